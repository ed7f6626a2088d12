(ns cairn.jepsen.gen
  "A small generator algebra in Jepsen's spirit. A generator is asked for an op with a context
  {:time ns-since-start, :process p}; it answers an op map, :pending (nothing right now, ask again), or nil
  (exhausted). Generators are stateful objects; the runner serialises calls to each one. An op may carry
  :at (ns since start): it is not invoked before that time.")

(defprotocol Gen
  (next-op [g ctx]))

(extend-protocol Gen
  nil
  (next-op [_ _] nil)
  clojure.lang.Fn
  (next-op [f ctx] (next-op (f) ctx))
  clojure.lang.IPersistentMap
  (next-op [m _] m))

(defn- gen [f] (reify Gen (next-op [_ ctx] (f ctx))))

(defn repeat*
  "Calls f (0-arity, returning an op or generator) forever."
  [f]
  (gen (fn [ctx] (next-op (f) ctx))))

(defn once [op] (let [done (atom false)] (gen (fn [_] (when-not (first (reset-vals! done true)) op)))))

(defn limit [n g] (let [left (atom n)] (gen (fn [ctx] (when (>= (swap! left dec) 0) (next-op g ctx))))))

(defn seq*
  "Each generator of the sequence in turn, moving on when one is exhausted; a bare op map in the sequence is
  emitted once (as in Jepsen), not forever."
  [gs]
  (let [gs (atom (seq (map #(if (map? %) (once %) %) gs)))]
    (gen (fn [ctx] (loop [] (when-let [g (first @gs)]
                             (let [op (next-op g ctx)] (if (nil? op) (do (swap! gs next) (recur)) op))))))))

(defn mix "A random live generator each time." [gs]
  (let [gs (atom (vec gs))]
    (gen (fn [ctx] (loop [] (when (seq @gs)
                             (let [i (rand-int (count @gs)) op (next-op (nth @gs i) ctx)]
                               (if (nil? op) (do (swap! gs #(into (subvec % 0 i) (subvec % (inc i)))) (recur)) op))))))))

(defn stagger
  "Spaces ops out by a random delay averaging dt seconds."
  [dt g]
  (let [next-at (atom nil)]
    (gen (fn [ctx] (let [op (next-op g ctx)]
                     (if (map? op)
                       (let [at (max (:time ctx) (or @next-at 0))]
                         (reset! next-at (+ at (long (rand (* 2 dt 1e9)))))
                         (assoc op :at at))
                       op))))))

(defn delay* "Exactly dt seconds between ops." [dt g]
  (let [next-at (atom nil)]
    (gen (fn [ctx] (let [op (next-op g ctx)]
                     (if (map? op)
                       (let [at (max (:time ctx) (or @next-at 0))]
                         (reset! next-at (+ at (long (* dt 1e9)))) (assoc op :at at))
                       op))))))

(defn time-limit "Exhausted dt seconds after its first op was asked for." [dt g]
  (let [deadline (atom nil)]
    (gen (fn [ctx] (let [d (or @deadline (reset! deadline (+ (:time ctx) (long (* dt 1e9)))))]
                     (when (< (:time ctx) d)
                       (let [op (next-op g ctx)] (if (map? op) (update op :at #(when % (min % d))) op))))))))

(defn flip-flop "Alternates between a and b." [a b]
  (let [turn (atom 0)]
    (gen (fn [ctx] (let [g (if (even? (swap! turn inc)) b a)] (next-op g ctx))))))

(defn sleep "An op that makes its thread wait dt seconds." [dt] {:type :sleep :value dt})

(defn cycle* "Repeats a finite sequence of ops forever." [ops] (let [i (atom -1)] (gen (fn [_] (nth ops (mod (swap! i inc) (count ops)))))))

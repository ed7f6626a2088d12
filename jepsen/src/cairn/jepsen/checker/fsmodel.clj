(ns cairn.jepsen.checker.fsmodel
  "A filesystem model in the local-fs vocabulary (paths are vectors of names, data are hex strings) and a
  possible-worlds checker for Cairn's crash contract: after a crash the tree is the state after some prefix
  of the operation order that contains every operation completed before the last successful fsync (an fsync
  is a barrier for everything ordered before it). The checker keeps the set of states the system may be in;
  an observation no candidate explains makes the history invalid.")

(def empty-state {:entries (sorted-map [] {:type :dir}) :inodes {} :next-inode 0})

(defn- entry [s path] (get-in s [:entries path]))
(defn- parent [path] (vec (butlast path)))
(defn- under? [prefix path] (and (> (count path) (count prefix)) (= prefix (subvec path 0 (count prefix)))))

(defn- parent-error [s path]
  (let [p (entry s (parent path))]
    (cond (nil? p) :does-not-exist
          (not= :dir (:type p)) :not-dir)))

(defn- data [s path] (get-in s [:inodes (:inode (entry s path))]))

(defn- set-data [s path hex] (assoc-in s [:inodes (:inode (entry s path))] hex))

(defn- create-file [s path]
  (let [n (:next-inode s)]
    (-> s (assoc-in [:entries path] {:type :file :inode n}) (assoc-in [:inodes n] "") (update :next-inode inc))))

(defn- gc-inodes [s]
  (let [live (set (keep :inode (vals (:entries s))))]
    (update s :inodes #(select-keys % live))))

(defn- drop-tree [s path]
  (update s :entries #(into (sorted-map) (remove (fn [[p _]] (or (= p path) (under? path p))) %))))

(defn- remove-tree [s path] (gc-inodes (drop-tree s path)))

(defn- resize [hex n]
  (let [cur (quot (count hex) 2)]
    (if (<= n cur) (subs hex 0 (* 2 n)) (str hex (apply str (repeat (* 2 (- n cur)) "0"))))))

(defn apply-op
  "Applies an op's invocation to a state: returns [state' completion], completion being [:ok value] or
  [:fail error]."
  [s {:keys [f value]}]
  (letfn [(fail [e] [s [:fail e]])
          (ok ([s'] [s' [:ok value]]) ([s' v] [s' [:ok v]]))
          (file-op [path g]
            (let [e (entry s path)]
              (cond (parent-error s path) (fail (parent-error s path))
                    (= :dir (:type e)) (fail :not-file)
                    (nil? e) (ok (g (create-file s path)))
                    :else (ok (g s)))))]
    (case f
      :read (let [[path] value e (entry s path)]
              (cond (parent-error s path) (fail (parent-error s path))
                    (nil? e) (fail :does-not-exist)
                    (= :dir (:type e)) (fail :not-file)
                    :else (ok s [path (data s path)])))
      :touch (if (and (entry s value) (not (parent-error s value))) (ok s) (file-op value identity))
      :append (let [[path hex] value] (file-op path #(set-data % path (str (data % path) hex))))
      :write (let [[path hex] value] (file-op path #(set-data % path hex)))
      :truncate (let [[path delta] value e (entry s path)]
                  (cond (parent-error s path) (fail (parent-error s path))
                        (nil? e) (fail :does-not-exist)
                        (= :dir (:type e)) (fail :not-file)
                        :else (ok (set-data s path (resize (data s path)
                                                           (max 0 (+ delta (quot (count (data s path)) 2))))))))
      :mkdir (cond (parent-error s value) (fail (parent-error s value))
                   (entry s value) (fail :exists)
                   :else (ok (assoc-in s [:entries value] {:type :dir})))
      :rm (cond (parent-error s value) (fail (parent-error s value))
                (nil? (entry s value)) (fail :does-not-exist)
                (= [] value) (fail :not-empty)
                :else (ok (remove-tree s value)))
      :ln (let [[from to] value src (entry s from)]
            (cond (parent-error s from) (fail (parent-error s from))
                  (nil? src) (fail :does-not-exist)
                  (= :dir (:type src)) (fail :not-file)
                  (parent-error s to) (fail (parent-error s to))
                  (entry s to) (fail :exists)
                  :else (ok (assoc-in s [:entries to] src))))
      ;; the client resolves both parent directories (a missing one is ENOENT) before RENAME, and the
      ;; server, like Linux, checks that both are directories before it looks up the source
      :mv (let [[from to] value src (entry s from) dst (entry s to)]
            (cond (nil? (entry s (parent from))) (fail :does-not-exist)
                  (nil? (entry s (parent to))) (fail :does-not-exist)
                  (or (parent-error s from) (parent-error s to)) (fail :not-dir)
                  (nil? src) (fail :does-not-exist)
                  (under? from to) (fail :cannot-move-inside-self)
                  (= from to) (ok s)
                  (and dst (= :dir (:type src)) (not= :dir (:type dst))) (fail :not-dir)
                  (and dst (not= :dir (:type src)) (= :dir (:type dst))) (fail :not-file)
                  (and dst (= :same-inode (when (= (:inode src) (:inode dst)) :same-inode))) (ok s)
                  (and dst (= :dir (:type dst)) (some #(under? to %) (keys (:entries s)))) (fail :not-empty)
                  :else (let [moved (for [[p e] (:entries s) :when (or (= p from) (under? from p))]
                                      [(into to (subvec p (count from))) e])]
                          (ok (gc-inodes (update (drop-tree (if dst (drop-tree s to) s) from)
                                                 :entries into moved))))))
      :fsync (cond (parent-error s value) (fail (parent-error s value))
                   (entry s value) (ok s)
                   :else (fail :does-not-exist)))))

(defn- power-set [xs]
  (reduce (fn [sets x] (into sets (map #(conj % x) sets))) [#{}] xs))

(defn steps
  "The states a successful op passes through before its final one. The clients perform :write as create (when
  absent), truncate, write; :append as create (when absent), write; and :rm of a directory one entry at a
  time, children first. Each step is its own durable operation, so a crash may persist any prefix of them."
  [s {:keys [f value]}]
  (case f
    :write (let [[path] value e (entry s path)]
             (cond (nil? e) [(create-file s path)]
                   (= :file (:type e)) [(set-data s path "")]
                   :else []))
    :append (let [[path] value] (if (entry s path) [] [(create-file s path)]))
    :rm (let [below (filter #(under? value %) (keys (:entries s)))
              closed? (fn [gone] (every? (fn [d] (every? gone (filter #(under? d %) below))) gone))]
          (for [gone (power-set below) :when (and (seq gone) (closed? gone))]
            (gc-inodes (update s :entries #(apply dissoc % gone)))))
    []))

(def ^:private max-worlds 20000)

(defn- explains? [[_ [t v]] done]
  (and (= t (:type done))
       (if (= :ok t) (= v (:value done)) (= v (:error done)))))

(defn check
  "Replays a single-threaded crashfs history. Crash ops are {:f :lose-unfsynced-writes} (any client
  process); nemesis ops (non-integer :process) are not filesystem operations and are skipped."
  [history]
  (loop [ops (filter #(and (integer? (:process %)) (#{:ok :fail :info} (:type %))) history)
         worlds #{empty-state}
         since-barrier [#{empty-state}]]
    (cond
      (empty? worlds) {:valid? false :error "no state explains the history"}
      (> (count worlds) max-worlds) {:valid? :unknown :error (str "more than " max-worlds " candidate states")}
      :else
      (if-let [op (first ops)]
        (let [op* (assoc op :value (:value op))]
          (case [(:f op) (:type op)]
            [:lose-unfsynced-writes :info] (let [w (reduce into #{} since-barrier)] (recur (rest ops) w [w]))
            [:lose-unfsynced-writes :ok] (let [w (reduce into #{} since-barrier)] (recur (rest ops) w [w]))
            (let [inv (if (= :read (:f op)) (assoc op :value [(first (:value op)) nil]) op*)
                  results (map (fn [w] [w (apply-op w inv)]) worlds)
                  kept (case (:type op)
                         :info results
                         (filter #(explains? (second %) op) results))
                  ;; states a crash may persist: the steps of every op that took effect, then its result
                  between (set (mapcat (fn [[w [_ [t]]]] (when (= :ok t) (steps w inv))) kept))
                  worlds' (case (:type op)
                            ;; an op with an unknown outcome may also have stopped part-way
                            :info (-> worlds (into (map (comp first second) kept)) (into between))
                            (set (map (comp first second) kept)))]
              (if (empty? worlds')
                {:valid? false :op op
                 :expected (vec (distinct (map (comp second second) (take 5 results))))
                 :candidate-count (count worlds)}
                (if (and (= :fsync (:f op)) (= :ok (:type op)))
                  (recur (rest ops) worlds' [worlds'])
                  (recur (rest ops) worlds' (conj since-barrier (into worlds' between))))))))
        {:valid? true :final-candidates (count worlds)}))))

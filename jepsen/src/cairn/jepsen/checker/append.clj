(ns cairn.jepsen.checker.append
  "An Elle-style checker for single-key list-append histories (:f :txn, [[:append k v]] / [[:r k list]]).
  Checks, per key: duplicates in a read, reads that are not prefixes of one version order (incompatible
  order), aborted reads (G1a: a read saw a value whose append :failed), garbage (never appended), and
  acknowledged appends missing from the final read (lost). Then builds the dependency graph over :ok
  operations (ww and wr from the version order, rw anti-dependencies, realtime edges) and reports every
  cycle (G-single / G2 with realtime edges, i.e. stale reads)."
  (:require [cairn.jepsen.history :as h]
            [cairn.jepsen.checker.graph :as g]))

(defn- mop [op] (first (:value op)))

(defn- prefix? [a b] (and (<= (count a) (count b)) (= (seq a) (seq (take (count a) b)))))

(defn- realtime-graph
  "Transitively reduced realtime order: an edge a -> b when a completed before b was invoked."
  [pairs]
  (let [events (sort-by first (concat (for [[inv done] pairs :when done] [(:time inv) :invoke inv])
                                      (for [[inv done] pairs :when done] [(:time done) :complete inv])))]
    (loop [es events, frontier #{}, preds {}, graph {}]
      (if-let [[_ kind inv] (first es)]
        (case kind
          :invoke (recur (rest es) frontier (assoc preds (:index inv) frontier)
                         (reduce #(g/add-edge %1 %2 (:index inv)) graph frontier))
          :complete (recur (rest es)
                           (conj (reduce disj frontier (get preds (:index inv))) (:index inv))
                           preds graph))
        graph))))

(defn check [history]
  (let [pairs (filter (fn [[inv done]] (and (= :txn (:f inv)) (= :ok (:type done)))) (h/pairs history))
        all-pairs (filter (fn [[inv _]] (= :txn (:f inv))) (h/pairs history))
        appends (for [[inv done] all-pairs :let [[f k v] (mop inv)] :when (= :append f)] [k v inv done])
        failed (set (for [[k v _ done] appends :when (= :fail (:type done))] [k v]))
        appended (set (for [[k v] appends] [k v]))
        reads (for [[inv done] pairs :let [[f k vs] (mop done)] :when (= :r f)] [k (vec vs) inv done])
        by-key (group-by first reads)
        orders (into {} (for [[k rs] by-key] [k (last (sort-by count (map second rs)))]))
        anomalies (volatile! [])
        note! (fn [m] (vswap! anomalies conj m))]
    (doseq [[k vs _ done] reads]
      (when (not= (count vs) (count (distinct vs))) (note! {:type :duplicate :key k :op (:index done)}))
      (when-not (prefix? vs (orders k)) (note! {:type :incompatible-order :key k :op (:index done) :read vs :longest (orders k)}))
      (doseq [v vs]
        (cond (failed [k v]) (note! {:type :G1a :key k :value v :op (:index done)})
              (not (appended [k v])) (note! {:type :garbage :key k :value v :op (:index done)}))))
    (let [index-of (into {} (for [[k order] orders] [k (zipmap order (range))]))
          writer (into {} (for [[k v inv done] appends :when (= :ok (:type done))] [[k v] (:index inv)]))
          lost (for [[k v inv done] appends
                     :when (and (= :ok (:type done)) (contains? orders k)
                                (not (contains? (index-of k) v))
                                (some (fn [[k2 _ rinv _]] (and (= k k2) (> (:time rinv) (:time done)))) reads))]
                 {:key k :value v :op (:index inv)})
          dep (reduce
               (fn [graph [k vs rinv _]]
                 (let [order (orders k)
                       seen (count vs)
                       graph (if-let [w (writer [k (peek vs)])] (g/add-edge graph w (:index rinv)) graph)]
                   ;; rw: the read did not see the next version, so it precedes that version's writer
                   (if-let [w (and (< seen (count order)) (writer [k (nth order seen)]))]
                     (g/add-edge graph (:index rinv) w)
                     graph)))
               (reduce (fn [graph [k order]]
                         (reduce (fn [gr [a b]] (if (and (writer [k a]) (writer [k b]))
                                                  (g/add-edge gr (writer [k a]) (writer [k b])) gr))
                                 graph (partition 2 1 order)))
                       {} orders)
               reads)
          graph (merge-with into dep (realtime-graph pairs))
          cycles (g/sccs graph)]
      (doseq [c cycles] (note! {:type :cycle :ops (vec (sort c))}))
      {:valid? (and (empty? @anomalies) (empty? lost))
       :anomaly-types (vec (distinct (map :type @anomalies)))
       :anomalies (vec (take 50 @anomalies))
       :lost (vec lost) :lost-count (count lost)
       :key-count (count orders)})))

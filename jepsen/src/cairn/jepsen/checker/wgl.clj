(ns cairn.jepsen.checker.wgl
  "Linearizability of a read/write(/cas) register by Wing-Gong-Lowe search with memoisation of
  (linearized set, register value). :fail ops never happened; :info ops may take effect at any point after
  their invocation (their completion is at infinity); reads without a value carry no information."
  (:require [cairn.jepsen.history :as h]))

(defn- step
  "The register value after op, or ::illegal."
  [state {:keys [f value]}]
  (case f
    :write value
    :read (if (= value state) state ::illegal)
    :cas (let [[expect new] value] (if (= expect state) new ::illegal))))

(defn- entries [history]
  (vec (keep-indexed
        (fn [i [inv done]]
          (let [t (:type done)]
            (cond (= :fail t) nil
                  (and (= :read (:f inv)) (not= :ok t)) nil
                  :else {:id i :f (:f inv)
                         :value (if (= :read (:f inv)) (:value done) (:value inv))
                         :invoke (:time inv)
                         :complete (if (= :ok t) (:time done) Long/MAX_VALUE)
                         :ok? (= :ok t)
                         :op (:index inv)})))
        (h/pairs history))))

(defn check
  "Checks one key's history. Returns {:valid? bool|:unknown ...}; :unknown when the search exceeds
  `max-states` memoised states."
  ([history] (check history {}))
  ([history {:keys [initial max-states] :or {max-states 1000000}}]
   (let [es (entries history)
         n (count es)
         must (into #{} (comp (filter :ok?) (map :id)) es)
         seen (java.util.HashSet.)
         best (volatile! [])]
     (letfn [(search [done state]
               (cond
                 (every? #(contains? done %) must) true
                 (> (.size seen) max-states) ::unknown
                 :else
                 (let [horizon (reduce min Long/MAX_VALUE
                                       (for [e es :when (and (:ok? e) (not (done (:id e))))] (:complete e)))
                       candidates (filter #(and (not (done (:id %))) (< (:invoke %) horizon)) es)]
                   (loop [cs candidates]
                     (if-let [e (first cs)]
                       (let [s (step state e)]
                         (if (= ::illegal s)
                           (recur (rest cs))
                           (let [done' (conj done (:id e))]
                             (when (> (count done') (count @best)) (vreset! best (vec (sort done'))))
                             (if (.add seen [done' s])
                               (let [r (search done' s)]
                                 (if (or (true? r) (= ::unknown r)) r (recur (rest cs))))
                               (recur (rest cs))))))
                       false)))))]
       (let [r (search #{} initial)]
         (cond (true? r) {:valid? true :op-count n}
               (= ::unknown r) {:valid? :unknown :op-count n :states (.size seen)}
               :else (let [stuck (remove #(contains? (set @best) (:id %)) (filter :ok? es))]
                       {:valid? false :op-count n
                        :linearized-prefix (count @best)
                        :first-unlinearizable (:op (first (sort-by :complete stuck)))})))))))

(defn check-independent
  "Histories whose values are [k v] tuples (jepsen.independent): checks each key separately."
  [history]
  (let [client (filter h/client-op? history)
        by-key (group-by (comp first :value) (filter #(vector? (:value %)) client))
        results (into (sorted-map)
                      (for [[k ops] by-key]
                        [k (check (mapv #(update % :value second) (sort-by :index ops)))]))
        vals* (map :valid? (vals results))]
    {:valid? (cond (some false? vals*) false (some #{:unknown} vals*) :unknown :else true)
     :failures (vec (for [[k r] results :when (false? (:valid? r))] k))
     :results results}))

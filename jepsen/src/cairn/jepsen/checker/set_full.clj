(ns cairn.jepsen.checker.set-full
  "Jepsen's set-full idea: every element whose :add was acknowledged must be in every read that began after
  the add completed. :lost = missing from the final read; :stale = missing from some later read but present
  in the final one."
  (:require [cairn.jepsen.history :as h]))

(defn check [history]
  (let [pairs (h/pairs history)
        adds (for [[inv done] pairs :when (= :add (:f inv))] [inv done])
        acked (into {} (for [[_ done] adds :when (= :ok (:type done))] [(:value done) (:time done)]))
        attempted (set (map (comp :value first) adds))
        reads (sort-by (comp :time first)
                       (for [[inv done] pairs :when (and (= :read (:f inv)) (= :ok (:type done)))]
                         [inv done]))
        final (some-> (last reads) second :value set)
        missing-after (fn [[v t]]
                        (for [[inv done] reads
                              :when (and (> (:time inv) t) (not (contains? (set (:value done)) v)))]
                          (:index done)))
        lost (sort (for [[v t :as e] acked :when (and final (not (contains? final v)) (seq (missing-after e)))] v))
        stale (sort (for [[v _ :as e] acked :when (and final (contains? final v) (seq (missing-after e)))] v))
        unexpected (sort (remove attempted (apply concat (map (comp :value second) reads))))]
    {:valid? (cond (nil? final) :unknown
                   (or (seq lost) (seq stale) (seq unexpected)) false
                   :else true)
     :attempt-count (count attempted)
     :acknowledged-count (count acked)
     :lost lost :lost-count (count lost)
     :stale stale :stale-count (count stale)
     :unexpected unexpected}))

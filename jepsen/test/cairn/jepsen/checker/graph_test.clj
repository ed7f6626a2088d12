(ns cairn.jepsen.checker.graph-test
  (:require [clojure.test :refer :all]
            [cairn.jepsen.checker.graph :as g]))

(deftest finds-cycles-in-graphs-larger-than-a-transient-array-map
  ;; regression: Tarjan's state lived in transients whose assoc! results were dropped; past 8 nodes the
  ;; lookups returned nil (NPE in min) on the first real append history
  (let [chain (reduce #(g/add-edge %1 %2 (inc %2)) {} (range 100))
        ring (reduce #(g/add-edge %1 %2 (if (= %2 1099) 1000 (inc %2))) chain (range 1000 1100))
        both (g/add-edge (g/add-edge ring 5 1000) 1050 5)]
    (is (= [] (g/sccs chain)))
    (is (= [(set (range 1000 1100))] (g/sccs ring)))
    (is (= [(conj (set (range 1000 1100)) 5)] (g/sccs both)))))

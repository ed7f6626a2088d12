(ns cairn.jepsen.quickcheck-test
  (:require [clojure.test :refer :all]
            [cairn.jepsen.checker.fsmodel :as fsm]
            [cairn.jepsen.quickcheck :as qc]))

(defn- model-fs
  "An in-memory filesystem built on the model itself; with `forget-on-crash?` a crash loses everything, even
  fsynced data (a bug), otherwise it loses nothing (allowed: nothing un-fsynced has to be lost)."
  [forget-on-crash?]
  (let [state (atom fsm/empty-state)]
    (fn [op]
      (if (= :lose-unfsynced-writes (:f op))
        (do (when forget-on-crash? (reset! state fsm/empty-state)) {:type :info})
        (let [[s [t v]] (fsm/apply-op @state op)]
          (reset! state s)
          (if (= :ok t) {:type :ok :value v} {:type :fail :error v}))))))

(deftest a-correct-filesystem-passes
  (let [r (qc/search #(qc/run-sequence (model-fs false) %) {:tests 40 :max-ops 30 :seed 7 :shrink-ms 60000})]
    (is (true? (:valid? r)))
    (is (= 40 (:num-tests r)))))

(deftest a-lost-fsync-is-found-and-shrunk
  ;; the smallest history that shows the bug: create a file, fsync, crash (final reads then miss the file)
  (let [r (qc/search #(qc/run-sequence (model-fs true) %) {:tests 200 :max-ops 30 :seed 7 :shrink-ms 60000})]
    (is (false? (:valid? r)))
    (is (= [:lose-unfsynced-writes] (map :f (filter #(= :lose-unfsynced-writes (:f %)) (:smallest r)))))
    (is (= 3 (count (:smallest r))) (str "shrunk to " (:smallest r)))
    (is (false? (:valid? (:results r))))
    (is (= (* 2 (+ 3 6)) (count (:history r))) "an invoke and a completion per op, final reads included")))

(deftest processes-are-retired-after-info
  (let [h (qc/run-sequence (fn [op] (if (= :crash (:f op)) {:type :info} {:type :ok :value 1}))
                           [{:f :x} {:f :crash} {:f :x}])]
    (is (= [0 0 0 0 1 1] (map :process h)))
    (is (= (range 6) (map :index h)))))

(ns cairn.jepsen.history-test
  (:require [clojure.test :refer :all]
            [clojure.edn :as edn]
            [cairn.jepsen.history :as h]))

(deftest prints-jepsen-key-order-and-reads-back
  (let [op {:value [[:append 3 1]] :f :txn :process 0 :type :invoke :time 12 :index 0 :node "n1"}
        s (h/op->edn op)]
    (is (= "{:index 0, :time 12, :type :invoke, :process 0, :f :txn, :value [[:append 3 1]], :node \"n1\"}" s))
    (is (= op (edn/read-string s)))))

(deftest never-truncates-long-values
  (binding [*print-length* 3]
    (is (= (vec (range 100)) (:value (edn/read-string (h/op->edn {:value (vec (range 100))})))))))

(deftest recorder-streams-dense-indices
  (let [f (java.io.File/createTempFile "history" ".edn")
        r (h/recorder f)]
    (h/record! r {:type :invoke :process 0 :f :read :value nil})
    (h/record! r {:type :ok :process 0 :f :read :value 1})
    (h/record! r {:type :info :process :nemesis :f :kill :value {"n1" :killed}})
    (h/close! r)
    (let [hist (h/read-history f)]
      (is (= [0 1 2] (map :index hist)))
      (is (every? #(integer? (:time %)) hist))
      (is (= [[(first hist) (second hist)]] (h/pairs hist))))))

(ns cairn.jepsen.core-test
  "The runner against in-memory systems: a correct set passes set-full; a set that silently drops an
  acknowledged element fails it. Proves the harness can tell the difference."
  (:require [clojure.test :refer :all]
            [cairn.jepsen.core :as core]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.history :as h]
            [cairn.jepsen.checker.set-full :as set-full]
            [clojure.java.io :as io]))

(defrecord MemSetClient [state lossy?]
  core/Client
  (open-client [c _ _] c)
  (invoke! [_ _ op]
    (case (:f op)
      :add (do (when-not (and lossy? (= 13 (:value op))) (swap! state conj (:value op))) {:type :ok})
      :read {:type :ok :value (vec (sort @state))}))
  (close-client [_ _]))

(def noop-nemesis
  (reify core/Nemesis
    (nemesis-invoke! [_ _ op] [:did (:f op)])
    (teardown! [_ _])))

(defn- run-set [lossy?]
  (let [counter (atom -1)
        store (.toFile (java.nio.file.Files/createTempDirectory "jepsen-store" (make-array java.nio.file.attribute.FileAttribute 0)))]
    (core/run! {:name "mem-set" :nodes ["n1"] :concurrency 3 :store-dir store
                :client (->MemSetClient (atom (sorted-set)) lossy?) :nemesis noop-nemesis
                :generator (gen/limit 40 (gen/repeat* (fn [] {:f :add :value (swap! counter inc)})))
                :nemesis-generator (gen/limit 2 (gen/repeat* (fn [] {:f :kill :value :leader})))
                :final-generator (gen/once {:f :read :value nil})
                :quiescence-s 0
                :checker (fn [_ history] (set-full/check history))})))

(deftest correct-system-passes-and-lossy-system-fails
  (let [ok (run-set false)
        bad (run-set true)]
    (is (true? (get-in ok [:results :valid?])) (pr-str (:results ok)))
    (is (false? (get-in bad [:results :valid?])))
    (is (= [13] (get-in bad [:results :lost])))
    (let [dir (:dir ok)]
      (is (= (count (:history ok)) (count (h/read-history (io/file dir "history.edn")))))
      (is (.exists (io/file dir "latency.svg")))
      (is (.exists (io/file (.getParentFile (.getParentFile dir)) "index.html"))))))

(deftest generators-compose
  (let [g (gen/time-limit 10 (gen/mix [(gen/limit 3 (gen/repeat* (fn [] {:f :a})))
                                       (gen/limit 3 (gen/repeat* (fn [] {:f :b})))]))
        ops (take-while some? (repeatedly #(gen/next-op g {:time 0 :process 0})))]
    (is (= {:a 3 :b 3} (frequencies (map :f ops)))))
  (let [g (gen/time-limit 1 (gen/repeat* (fn [] {:f :x})))]
    (is (map? (gen/next-op g {:time 0})))
    (is (nil? (gen/next-op g {:time 2000000000}))))
  (let [g (gen/flip-flop (gen/repeat* (fn [] {:f :start})) (gen/repeat* (fn [] {:f :stop})))]
    (is (= [:start :stop :start :stop] (map :f (repeatedly 4 #(gen/next-op g {:time 0}))))))
  (let [g (gen/seq* [{:f :r :value 1} {:f :r :value 2}])]
    (is (= [1 2] (map :value (take-while some? (repeatedly 5 #(gen/next-op g {:time 0}))))))))

(ns cairn.jepsen.checker.wgl-test
  (:require [clojure.test :refer :all]
            [clojure.test.check.generators :as gen]
            [cairn.jepsen.checker.wgl :as wgl]))

(defn- hist [rows]
  (vec (map-indexed (fn [i [p t f v time]] {:index i :time time :type t :process p :f f :value v}) rows)))

(deftest concurrent-write-and-read-is-linearizable
  (is (true? (:valid? (wgl/check (hist [[0 :invoke :write 1 0] [1 :invoke :read nil 1]
                                        [1 :ok :read 1 2] [0 :ok :write 1 3]]))))))

(deftest stale-read-is-not-linearizable
  (let [r (wgl/check (hist [[0 :invoke :write 1 0] [0 :ok :write 1 1]
                            [0 :invoke :write 2 2] [0 :ok :write 2 3]
                            [1 :invoke :read nil 4] [1 :ok :read 1 5]]))]
    (is (false? (:valid? r)))
    (is (= 4 (:first-unlinearizable r)))))

(deftest info-write-may-land-later
  (is (true? (:valid? (wgl/check (hist [[0 :invoke :write 1 0] [0 :info :write 1 1]
                                        [1 :invoke :read nil 2] [1 :ok :read nil 3]
                                        [1 :invoke :read nil 4] [1 :ok :read 1 5]])))))
  (is (false? (:valid? (wgl/check (hist [[0 :invoke :write 1 0] [0 :info :write 1 1]
                                         [1 :invoke :read nil 2] [1 :ok :read 1 3]
                                         [1 :invoke :read nil 4] [1 :ok :read nil 5]]))))))

(deftest independent-keys-are-checked-separately
  (let [r (wgl/check-independent
           (hist [[0 :invoke :write [:a 1] 0] [0 :ok :write [:a 1] 1]
                  [1 :invoke :read [:b nil] 2] [1 :ok :read [:b 5] 3]]))]
    (is (false? (:valid? r)))
    (is (= [:b] (:failures r)))))

(deftest sequential-histories-from-a-real-register-are-linearizable
  ;; property: any sequential history produced by an actual register passes
  (doseq [ops (gen/sample (gen/vector (gen/one-of [(gen/fmap (fn [v] [:write v]) gen/small-integer)
                                                   (gen/return [:read nil])]) 0 30) 30)]
    (let [rows (loop [ops ops, t 0, state nil, rows []]
                 (if-let [[f v] (first ops)]
                   (let [v' (if (= :read f) state v)]
                     (recur (rest ops) (+ t 2) (if (= :write f) v state)
                            (conj rows [0 :invoke f (when (= :write f) v) t] [0 :ok f v' (inc t)])))
                   rows))]
      (is (true? (:valid? (wgl/check (hist rows)))) (pr-str rows)))))

(ns cairn.jepsen.checker.append-test
  (:require [clojure.test :refer :all]
            [cairn.jepsen.checker.append :as append]
            [cairn.jepsen.checker.set-full :as set-full]))

(defn- hist
  "Builds a history from [process type f value time] rows, assigning indices."
  [rows]
  (vec (map-indexed (fn [i [p t f v time]] {:index i :time time :type t :process p :f f :value v}) rows)))

(deftest valid-append-history
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :ok :txn [[:append :x 1]] 10]
                               [1 :invoke :txn [[:append :x 2]] 20] [1 :ok :txn [[:append :x 2]] 30]
                               [0 :invoke :txn [[:r :x nil]] 40] [0 :ok :txn [[:r :x [1 2]]] 50]]))]
    (is (= true (:valid? r)) (pr-str r))))

(deftest acknowledged-but-lost-append
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :ok :txn [[:append :x 1]] 10]
                               [1 :invoke :txn [[:append :x 2]] 20] [1 :ok :txn [[:append :x 2]] 30]
                               [0 :invoke :txn [[:r :x nil]] 40] [0 :ok :txn [[:r :x [1]]] 50]]))]
    (is (= false (:valid? r)))
    (is (= [{:key :x :value 2 :op 2}] (:lost r)))))

(deftest stale-read-is-a-realtime-cycle
  ;; 1 is appended and acknowledged; a read invoked afterwards sees nothing; a later read sees [1].
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :ok :txn [[:append :x 1]] 10]
                               [1 :invoke :txn [[:r :x nil]] 20] [1 :ok :txn [[:r :x []]] 30]
                               [2 :invoke :txn [[:r :x nil]] 40] [2 :ok :txn [[:r :x [1]]] 50]]))]
    (is (= false (:valid? r)))
    (is (some #{:cycle} (:anomaly-types r)) (pr-str r))))

(deftest g-single-cycle-across-keys
  ;; T1 reads y before T2's append, T2 ... classic: p0 appends x, reads y=[] ; p1 appends y, reads x=[]
  ;; with single-op txns the cycle closes through realtime edges.
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :ok :txn [[:append :x 1]] 5]
                               [1 :invoke :txn [[:append :y 1]] 1] [1 :ok :txn [[:append :y 1]] 6]
                               [0 :invoke :txn [[:r :y nil]] 10] [0 :ok :txn [[:r :y []]] 15]
                               [1 :invoke :txn [[:r :x nil]] 11] [1 :ok :txn [[:r :x []]] 16]
                               [2 :invoke :txn [[:r :x nil]] 20] [2 :ok :txn [[:r :x [1]]] 21]
                               [2 :invoke :txn [[:r :y nil]] 22] [2 :ok :txn [[:r :y [1]]] 23]]))]
    (is (= false (:valid? r)))
    (is (some #{:cycle} (:anomaly-types r)))))

(deftest aborted-read-and-garbage
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :fail :txn [[:append :x 1]] 10]
                               [1 :invoke :txn [[:r :x nil]] 20] [1 :ok :txn [[:r :x [1 7]]] 30]]))]
    (is (= #{:G1a :garbage} (set (:anomaly-types r))))))

(deftest info-appends-may-or-may-not-appear
  (let [r (append/check (hist [[0 :invoke :txn [[:append :x 1]] 0] [0 :info :txn [[:append :x 1]] 10]
                               [1 :invoke :txn [[:r :x nil]] 20] [1 :ok :txn [[:r :x [1]]] 30]]))]
    (is (= true (:valid? r)))))

(deftest set-full-finds-lost-and-stale
  (let [h (hist [[0 :invoke :add 1 0] [0 :ok :add 1 1]
                 [1 :invoke :add 2 2] [1 :ok :add 2 3]
                 [2 :invoke :add 3 2] [2 :info :add 3 3]
                 [0 :invoke :read nil 10] [0 :ok :read [1] 11]
                 [0 :invoke :read nil 20] [0 :ok :read [1 3] 21]])
        r (set-full/check h)]
    (is (= false (:valid? r)))
    (is (= [2] (:lost r)))
    (is (= true (:valid? (set-full/check (hist [[0 :invoke :add 1 0] [0 :ok :add 1 1]
                                                 [0 :invoke :read nil 10] [0 :ok :read [1] 11]])))))
    (is (= [1] (:stale (set-full/check (hist [[0 :invoke :add 1 0] [0 :ok :add 1 1]
                                              [0 :invoke :read nil 10] [0 :ok :read [] 11]
                                              [0 :invoke :read nil 20] [0 :ok :read [1] 21]])))))))

(ns cairn.jepsen.net-test
  "Grudges: who drops whom for each partition spec."
  (:require [clojure.test :refer :all]
            [clojure.set :as set]
            [clojure.string :as str]
            [cairn.jepsen.net :as net]))

(def nodes ["n1" "n2" "n3"])

(defn- symmetric? [g]
  (every? (fn [[a enemies]] (every? #(contains? (get g % #{}) a) enemies)) g))

(defn- sees [g universe n] (set/difference (set universe) (get g n #{})))

(deftest isolating-the-leader-cuts-it-from-every-peer-both-ways
  (let [g (net/grudge :leader nodes "n2")]
    (is (= {"n2" #{"n1" "n3"}, "n1" #{"n2"}, "n3" #{"n2"}} g))
    (is (symmetric? g))))

(deftest leader-s3-cuts-only-the-leader-from-the-bucket
  (is (= {"n1" #{"s3"}, "s3" #{"n1"}} (net/grudge :leader-s3 nodes "n1"))))

(deftest one-and-majority-leave-exactly-one-majority
  (doseq [spec [:one :majority], nodes [nodes ["n1" "n2" "n3" "n4" "n5"]], _ (range 20)]
    (let [g (net/grudge spec nodes nil)
          m (net/majority (count nodes))
          components (set (map #(sees g nodes %) nodes))]
      (is (symmetric? g) (pr-str spec g))
      (is (= 2 (count components)) (pr-str spec g))
      (is (= 1 (count (filter #(>= (count %) m) components))) (pr-str spec g))
      (is (= (set nodes) (apply set/union components)))
      (when (= :one spec) (is (some #(= 1 (count %)) components))))))

(deftest majorities-ring-every-node-sees-a-different-majority
  (doseq [nodes [nodes ["n1" "n2" "n3" "n4" "n5"] (mapv #(str "n" %) (range 1 8))], _ (range 20)]
    (let [g (net/grudge :majorities-ring nodes nil)
          m (net/majority (count nodes))
          views (map #(sees g nodes %) nodes)]
      (is (= (set nodes) (set (keys g))))
      (is (every? #(= m (count %)) views) (pr-str g))
      (is (every? (fn [n] (contains? (sees g nodes n) n)) nodes) "a node never drops itself")
      (is (= (count nodes) (count (set views))) (str "views must differ: " (pr-str g))))))

(deftest nft-script-drops-the-enemies-on-input
  (let [s (net/nft-script ["10.231.0.12" "10.231.0.2"])]
    (is (str/includes? s "table inet cairn_jepsen"))
    (is (str/includes? s "type filter hook input priority 0; policy accept;"))
    (is (str/includes? s "ip saddr { 10.231.0.12, 10.231.0.2 } drop"))))

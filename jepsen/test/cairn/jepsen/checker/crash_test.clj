(ns cairn.jepsen.checker.crash-test
  (:require [clojure.test :refer :all]
            [cairn.jepsen.checker.fsmodel :as fsm]
            [cairn.jepsen.checker.block :as block]
            [cairn.jepsen.checker.honesty :as honesty]))

(defn- done [rows]
  (vec (map-indexed (fn [i [t f v & {:as extra}]] (merge {:index i :time i :type t :process 0 :f f :value v} extra)) rows)))

(deftest fsynced-data-survives-and-unsynced-may-be-lost
  (is (true? (:valid? (fsm/check (done [[:ok :write [["a"] "01"]] [:ok :fsync ["a"]]
                                        [:ok :append [["a"] "02"]]
                                        [:info :lose-unfsynced-writes nil]
                                        [:ok :read [["a"] "01"]]])))))
  (is (true? (:valid? (fsm/check (done [[:ok :write [["a"] "01"]] [:ok :fsync ["a"]]
                                        [:ok :append [["a"] "02"]]
                                        [:info :lose-unfsynced-writes nil]
                                        [:ok :read [["a"] "0102"]]]))))))

(deftest losing-fsynced-data-is-caught
  (let [r (fsm/check (done [[:ok :write [["a"] "01"]] [:ok :fsync ["a"]]
                            [:info :lose-unfsynced-writes nil]
                            [:fail :read [["a"] nil] :error :does-not-exist]]))]
    (is (false? (:valid? r)))
    (is (= 3 (:index (:op r))))))

(deftest recovery-must-be-a-prefix
  ;; b's creation precedes a's append in the order: seeing the append without b is not a prefix
  (is (false? (:valid? (fsm/check (done [[:ok :write [["a"] "01"]] [:ok :fsync ["a"]]
                                         [:ok :write [["b"] "ff"]]
                                         [:ok :append [["a"] "02"]]
                                         [:info :lose-unfsynced-writes nil]
                                         [:ok :read [["a"] "0102"]]
                                         [:fail :read [["b"] nil] :error :does-not-exist]]))))))

(deftest posix-errors-are-predicted
  (is (true? (:valid? (fsm/check (done [[:ok :mkdir ["d"]] [:fail :mkdir ["d"] :error :exists]
                                        [:ok :write [["d" "x"] "aa"]] [:fail :rm [] :error :not-empty]
                                        [:ok :mv [["d"] ["e"]]] [:ok :read [["e" "x"] "aa"]]
                                        [:fail :mv [["e"] ["e" "y"]] :error :cannot-move-inside-self]
                                        [:ok :ln [["e" "x"] ["z"]]] [:ok :append [["z"] "bb"]]
                                        [:ok :read [["e" "x"] "aabb"]] [:ok :truncate [["z"] -1]]
                                        [:ok :read [["z"] "aa"]]]))))))

(deftest wrong-read-without-crash-is-caught
  (is (false? (:valid? (fsm/check (done [[:ok :write [["a"] "01"]] [:ok :read [["a"] "02"]]]))))))

(deftest block-model
  (is (true? (:valid? (block/check (done [[:ok :write [0 1]] [:ok :flush nil] [:ok :write [0 2]]
                                          [:info :crash nil] [:ok :read [0 1]]])))))
  (is (false? (:valid? (block/check (done [[:ok :write [0 1]] [:ok :flush nil]
                                           [:info :crash nil] [:ok :read [0 nil]]])))))
  (is (true? (:valid? (block/check (done [[:ok :write [0 1] :fua true] [:info :crash nil] [:ok :read [0 1]]])))))
  (is (false? (:valid? (block/check (done [[:ok :write [0 1] :fua true] [:info :crash nil] [:ok :read [0 nil]]]))))))

(deftest honesty-rules
  (is (true? (:valid? (honesty/check (done [[:ok :write ["f" 1]] [:info :crash nil] [:fail :fsync "f"]
                                            [:ok :read ["f" []]]])))))
  (is (false? (:valid? (honesty/check (done [[:ok :write ["f" 1]] [:info :crash nil] [:ok :fsync "f"]
                                             [:ok :read ["f" []]]])))))
  (let [r (honesty/check (done [[:ok :fsync "f" :verifier 7] [:info :failover nil] [:ok :fsync "f" :verifier 7]]))]
    (is (= [:verifier-unchanged] (map :type (:problems r))))))

(deftest nemesis-ops-are-not-filesystem-ops
  (is (true? (:valid? (fsm/check (conj (done [[:ok :write [["a"] "01"]] [:ok :read [["a"] "01"]]])
                                       {:index 2 :time 2 :type :info :process :nemesis :f :heal :value :healed}))))))

(deftest a-file-in-the-middle-of-a-path-is-not-a-directory
  ;; POSIX (and NFS LOOKUP) answer ENOTDIR, not ENOENT, for a/b when a is a regular file
  (is (true? (:valid? (fsm/check (done [[:ok :write [["a"] "01"]]
                                        [:fail :read [["a" "b"] nil] :error :not-dir]
                                        [:fail :truncate [["a" "b"] 1] :error :not-dir]
                                        [:fail :rm ["a" "b"] :error :not-dir]
                                        [:fail :fsync ["a" "b"] :error :not-dir]
                                        [:fail :mv [["a" "b"] ["c"]] :error :not-dir]
                                        [:fail :read [["c" "b"] nil] :error :does-not-exist]]))))))

(deftest rename-checks-both-directories-before-the-source
  ;; CI history: mv a -> b/a with a missing and b a regular file fails ENOTDIR (as on Linux), not ENOENT
  (is (true? (:valid? (fsm/check (done [[:ok :write [["b"] "01"]]
                                        [:fail :mv [["a"] ["b" "a"]] :error :not-dir]
                                        [:fail :mv [["a"] ["c" "a"]] :error :does-not-exist]
                                        [:fail :mv [["c" "a"] ["b" "a"]] :error :does-not-exist]])))))
  (is (false? (:valid? (fsm/check (done [[:ok :write [["b"] "01"]]
                                         [:fail :mv [["a"] ["b" "a"]] :error :does-not-exist]]))))))

(deftest moving-a-directory-inside-itself-is-invalid-before-type-checks
  ;; Linux answers EINVAL for a -> a/x even when a/x is an existing file
  (is (true? (:valid? (fsm/check (done [[:ok :mkdir ["a"]] [:ok :write [["a" "x"] "01"]]
                                        [:fail :mv [["a"] ["a" "x"]] :error :cannot-move-inside-self]]))))))

(deftest a-crash-may-persist-part-of-a-write
  ;; quickcheck found this: write = CREATE, SETATTR size 0, WRITE; a crash can keep the empty new file
  (is (true? (:valid? (fsm/check (done [[:ok :write [["b"] "d63793"]] [:info :lose-unfsynced-writes nil]
                                        [:ok :read [["b"] ""]]])))))
  (is (true? (:valid? (fsm/check (done [[:ok :write [["b"] "01"]] [:ok :fsync ["b"]] [:ok :write [["b"] "02"]]
                                        [:info :lose-unfsynced-writes nil] [:ok :read [["b"] ""]]])))))
  (is (false? (:valid? (fsm/check (done [[:ok :write [["b"] "01"]] [:ok :fsync ["b"]] [:ok :append [["b"] "02"]]
                                         [:info :lose-unfsynced-writes nil] [:ok :read [["b"] ""]]]))))
      "an append never passes through an empty file"))

(deftest a-crash-may-persist-part-of-a-recursive-rm
  (let [h (fn [reads] (done (into [[:ok :mkdir ["d"]] [:ok :write [["d" "x"] "01"]] [:ok :write [["d" "y"] "02"]]
                                   [:ok :fsync ["d"]] [:ok :rm ["d"]] [:info :lose-unfsynced-writes nil]]
                                  reads)))]
    (is (true? (:valid? (fsm/check (h [[:fail :read [["d" "x"] nil] :error :does-not-exist]
                                       [:ok :read [["d" "y"] "02"]]])))))
    (is (true? (:valid? (fsm/check (h [[:fail :read [["d" "x"] nil] :error :does-not-exist]
                                       [:fail :read [["d" "y"] nil] :error :does-not-exist]
                                       [:fail :read [["d"] nil] :error :not-file]])))))
    (is (false? (:valid? (fsm/check (h [[:fail :read [["d"] nil] :error :does-not-exist]
                                        [:ok :read [["d" "y"] "02"]]]))))
        "the directory goes last")))

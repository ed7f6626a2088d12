(ns cairn.jepsen.workload.register
  "Per-file registers over NFS: key k is the file r<k>; a write stores an 8-byte value with FILE_SYNC, a read
  returns it (nil when absent). Values are [k v] tuples as jepsen.independent writes them; checked per key
  with the WGL linearizability checker."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.wgl :as wgl])
  (:import (cairn.protocols.nfs Nfs3)
           (java.nio ByteBuffer)))

(defrecord Client [cluster held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (nfs/with-leader [conn cluster held]
      (fn [e] (if (= :read (:f op)) {:type :fail :error (str e)} {:type :info :error (str e)}))
      (let [[k v] (:value op) path [(str "r" k)]]
        (do
          (case (:f op)
            :write (let [fh (nfs/create! conn path)]
                     (nfs/write! conn fh 0 (.array (.putLong (ByteBuffer/allocate 8) v)) Nfs3/FILE_SYNC)
                     {:type :ok})
            :read (let [fh (nfs/lookup-or-nil conn path)
                        b (when fh (nfs/read-all conn fh))]
                    {:type :ok :value [k (when (and b (= 8 (alength ^bytes b))) (.getLong (ByteBuffer/wrap b)))]}))))))
  (close-client [_ _] (nfs/drop-conn! held)))

(defn workload [{:keys [cluster key-count] :or {key-count 4}}]
  (let [counter (atom 0)]
    {:client (->Client cluster nil)
     :generator (gen/mix [(gen/repeat* (fn [] {:f :write :value [(rand-int key-count) (swap! counter inc)]}))
                          (gen/repeat* (fn [] {:f :read :value [(rand-int key-count) nil]}))])
     :final-generator (gen/seq* (for [k (range key-count)] {:f :read :value [k nil]}))
     :checker (fn [_ history] (wgl/check-independent history))}))

(ns cairn.jepsen.workload.append
  "List-append over NFS across a cluster: key k is the file a<k>; appending v writes v as a 4-byte record at
  the end with FILE_SYNC (durable before the ack); a read returns the records. Each key has one appending
  worker (appends to one file are not atomic between clients over NFS), every worker reads every key."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.append :as append])
  (:import (cairn.protocols.nfs Nfs3)
           (java.nio ByteBuffer)))

(defn- records [^bytes b]
  (let [bb (ByteBuffer/wrap b)] (vec (repeatedly (quot (alength b) 4) #(.getInt bb)))))

(defrecord Client [cluster held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (nfs/with-leader [conn cluster held]
      ;; a read cannot have had an effect; an append may have
      (fn [e] (if (= :r (first (first (:value op)))) {:type :fail :error [:read-failed (str e)]} {:type :info :error [:unknown (str e)]}))
      (let [[[f k v]] (:value op)
            path [(str "a" k)]]
        (do
          (case f
            :append (let [fh (nfs/create! conn path)
                          n (nfs/size conn fh)]
                      (nfs/write! conn fh n (.array (.putInt (ByteBuffer/allocate 4) v)) Nfs3/FILE_SYNC)
                      {:type :ok})
            :r (let [fh (nfs/lookup-or-nil conn path)]
                 {:type :ok :value [[:r k (if fh (records (nfs/read-all conn fh)) [])]]}))))))
  (close-client [_ _] (nfs/drop-conn! held)))

(defn- owned-appends
  "Appends only to keys this worker owns: worker i (process mod concurrency) owns keys i, i+c, i+2c, ..."
  [concurrency keys-per-worker counter]
  (reify gen/Gen
    (next-op [_ ctx]
      (let [k (+ (mod (:process ctx) concurrency) (* concurrency (rand-int keys-per-worker)))]
        {:f :txn :value [[:append k (swap! counter inc)]]}))))

(defn workload [{:keys [cluster concurrency keys-per-worker] :or {keys-per-worker 2}}]
  (let [counter (atom 0)
        key-count (* concurrency keys-per-worker)]
    {:client (->Client cluster nil)
     :generator (gen/mix [(owned-appends concurrency keys-per-worker counter)
                          (gen/repeat* (fn [] {:f :txn :value [[:r (rand-int key-count) nil]]}))])
     :final-generator (gen/seq* (for [k (range key-count)] {:f :txn :value [[:r k nil]]}))
     :checker (fn [_ history] (append/check history))}))

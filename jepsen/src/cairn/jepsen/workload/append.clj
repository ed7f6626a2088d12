(ns cairn.jepsen.workload.append
  "List-append over NFS or 9P across a cluster: key k is the file a<k>; appending v writes v as a 4-byte
  record at the end, durably (FILE_SYNC, or write + Tfsync) before the ack; a read returns the records. Each key has one appending
  worker (appends to one file are not atomic between clients over NFS), every worker reads every key."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.files :as files]
            [cairn.jepsen.checker.append :as append])
  (:import (java.nio ByteBuffer)))

(defn- records [^bytes b]
  (let [bb (ByteBuffer/wrap b)] (vec (repeatedly (quot (alength b) 4) #(.getInt bb)))))

(defrecord Client [cluster protocol held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (files/with-leader [conn cluster protocol held]
      ;; a read cannot have had an effect; an append may have
      (fn [e] (if (= :r (first (first (:value op)))) {:type :fail :error [:read-failed (str e)]} {:type :info :error [:unknown (str e)]}))
      (let [[[f k v]] (:value op)
            file (str "a" k)]
        (case f
          :append (do (files/append! conn file (.array (.putInt (ByteBuffer/allocate 4) v)))
                      {:type :ok})
          :r {:type :ok :value [[:r k (if-let [b (files/read-file conn file)] (records b) [])]]}))))
  (close-client [_ _] (files/drop-files! held)))

(defn- owned-appends
  "Appends only to keys this worker owns: worker i (process mod concurrency) owns keys i, i+c, i+2c, ..."
  [concurrency keys-per-worker counter]
  (reify gen/Gen
    (next-op [_ ctx]
      (let [k (+ (mod (:process ctx) concurrency) (* concurrency (rand-int keys-per-worker)))]
        {:f :txn :value [[:append k (swap! counter inc)]]}))))

(defn workload [{:keys [cluster protocol concurrency keys-per-worker] :or {keys-per-worker 2 protocol :nfs}}]
  (let [counter (atom 0)
        key-count (* concurrency keys-per-worker)]
    {:client (->Client cluster protocol nil)
     :generator (gen/mix [(owned-appends concurrency keys-per-worker counter)
                          (gen/repeat* (fn [] {:f :txn :value [[:r (rand-int key-count) nil]]}))])
     :final-generator (gen/seq* (for [k (range key-count)] {:f :txn :value [[:r k nil]]}))
     :checker (fn [_ history] (append/check history))}))

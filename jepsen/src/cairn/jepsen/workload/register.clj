(ns cairn.jepsen.workload.register
  "Per-file registers over NFS or 9P: key k is the file r<k>; a write stores an 8-byte value durably
  (FILE_SYNC, or write + Tfsync), a read returns it (nil when absent). Values are [k v] tuples as
  jepsen.independent writes them; checked per key with the WGL linearizability checker."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.files :as files]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.checker.wgl :as wgl])
  (:import (java.nio ByteBuffer)))

(defrecord Client [cluster protocol held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (files/with-leader [conn cluster protocol held]
      ;; a read cannot have had an effect; a write may have
      (fn [e] (if (= :read (:f op)) {:type :fail :error (str e)} {:type :info :error (str e)}))
      (let [[k v] (:value op) file (str "r" k)]
        (case (:f op)
          :write (do (files/write-at! conn file 0 (.array (.putLong (ByteBuffer/allocate 8) v)))
                     {:type :ok})
          :read (let [^bytes b (files/read-file conn file)]
                  {:type :ok :value [k (when (and b (= 8 (alength b))) (.getLong (ByteBuffer/wrap b)))]})))))
  (close-client [_ _] (files/drop-files! held)))

(defn workload [{:keys [cluster protocol key-count] :or {key-count 4 protocol :nfs}}]
  (let [counter (atom 0)]
    {:client (->Client cluster protocol nil)
     :generator (gen/mix [(gen/repeat* (fn [] {:f :write :value [(rand-int key-count) (swap! counter inc)]}))
                          (gen/repeat* (fn [] {:f :read :value [(rand-int key-count) nil]}))])
     :final-generator (gen/seq* (for [k (range key-count)] {:f :read :value [k nil]}))
     :checker (fn [_ history] (wgl/check-independent history))}))

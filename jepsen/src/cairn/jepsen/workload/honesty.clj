(ns cairn.jepsen.workload.honesty
  "fsync honesty over NFS on one node: one worker appends 8-byte values to files h0..h2 with UNSTABLE writes,
  COMMITs them (:fsync), reads them back, and :crash = SIGKILL + restart + reconnect between the writes and
  the COMMIT. The client behaves as RFC 1813 asks: when the COMMIT verifier differs from a write's verifier
  it resends that write and commits again; the :fsync completion carries the final :verifier. Checked by
  checker/honesty: after an acknowledged fsync every write acknowledged before it is in every later read,
  and the verifier changed across the crash."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.honesty :as honesty])
  (:import (cairn.protocols.nfs Nfs3)
           (cairn.protocols.nfs.client NfsClient$Write)
           (java.nio ByteBuffer)))

(def ^:private file-count 3)
(def ^:private resends-max 3)

(defn- encode ^bytes [v] (.array (.putLong (ByteBuffer/allocate 8) v)))
(defn- values [^bytes b] (let [bb (ByteBuffer/wrap b)] (vec (repeatedly (quot (alength b) 8) #(.getLong bb)))))

(defn- commit-with-resend!
  "COMMITs `file`; while the verifier differs from an uncommitted write's, resends those writes (bounded).
  Returns the final verifier. `uncommitted` (atom: file -> [[offset bytes verifier]...]) is cleared."
  [conn uncommitted file fh]
  (loop [tries 0]
    (let [vf (nfs/commit! conn fh)
          stale (remove #(= vf (nth % 2)) (get @uncommitted file))]
      (cond (empty? stale) (do (swap! uncommitted dissoc file) vf)
            (>= tries resends-max) (throw (ex-info "verifier keeps changing" {:file file}))
            :else (do (swap! uncommitted assoc file
                             (vec (for [[off data] (get @uncommitted file)]
                                    [off data (.verifier ^NfsClient$Write (nfs/write! conn fh off data Nfs3/UNSTABLE))])))
                      (recur (inc tries)))))))

(defrecord Client [cluster conn uncommitted]
  core/Client
  (open-client [this _ node]
    (assoc this :conn (nfs/connect (db/host cluster node) (db/nfs-port cluster node))))
  (invoke! [_ _ {:keys [f value]}]
    (case f
      :crash (do (db/crash! cluster (first (:nodes cluster))) {:type :info})
      :write (let [[file v] value
                   fh (nfs/create! conn [file])
                   ;; like a kernel client, append after our own uncommitted writes even when a crash
                   ;; made the server forget them (they are resent at their offsets before the COMMIT)
                   off (reduce max (nfs/size conn fh) (map #(+ (first %) 8) (get @uncommitted file)))
                   data (encode v)
                   w (nfs/write! conn fh off data Nfs3/UNSTABLE)]
               (swap! uncommitted update file (fnil conj []) [off data (.verifier ^NfsClient$Write w)])
               {:type :ok})
      :fsync (let [fh (nfs/create! conn [value])]
               {:type :ok :verifier (commit-with-resend! conn uncommitted value fh)})
      :read (let [fh (nfs/lookup-or-nil conn [value])]
              {:type :ok :value [value (if fh (values (nfs/read-all conn fh)) [])]})))
  (close-client [_ _] (nfs/close conn)))

(defn- rand-file [] (str "h" (rand-int file-count)))

(defn- rand-op [counter]
  (let [r (rand-int 30)]
    (cond (< r 14) {:f :write :value [(rand-file) (swap! counter inc)]}
          (< r 21) {:f :fsync :value (rand-file)}
          (< r 29) {:f :read :value (rand-file)}
          :else {:f :crash :value nil})))

(defn workload [{:keys [cluster]}]
  (let [counter (atom 0)]
    {:client (->Client cluster nil (atom {})) ; the uncommitted writes outlive reconnections
     :op-timeouts-ms {:crash 120000}
     :generator (gen/repeat* #(rand-op counter))
     :final-generator (gen/seq* (for [i (range file-count)] {:f :read :value (str "h" i)}))
     :checker (fn [_ history] (honesty/check history))}))

(ns cairn.jepsen.workload.block
  "Crash testing of an NBD device on one node: single-threaded 4 KiB block writes (some with FUA), reads,
  FLUSHes, and :crash = SIGKILL the server, restart it, reconnect. A block written with value v holds v as a
  big-endian long repeated over the whole block, so a read also catches torn blocks. Checked by
  checker/block: a read must be the durable value (after FLUSH or FUA) or a later write to that block."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.block :as block])
  (:import (cairn.protocols.nbd NbdProtocol)
           (cairn.protocols.nbd.client NbdClient NbdClient$Options)
           (cairn.protocols.nfs Nfs3)
           (cairn.protocols.nfs.client NfsClient NfsException)
           (cairn.engine.fs SetAttr)
           (java.net InetSocketAddress)
           (java.nio ByteBuffer)
           (java.util.concurrent TimeUnit)))

(def ^:private block-size 4096)
(def ^:private block-count 8)
(def ^:private export "jepsen")

(defn- create-device!
  "Creates /.nbd/jepsen (block-count blocks) over NFS, as `cairn nbd create` would."
  [cluster]
  (let [conn (let [n (first (:nodes cluster))] (nfs/connect (db/host cluster n) (db/nfs-port cluster n)))
        ^NfsClient c (:client conn)]
    (try
      (let [dir (or (nfs/lookup-or-nil conn [".nbd"])
                    (.fh (.mkdir c (:root conn) ".nbd" SetAttr/NONE)))
            fh (.fh (.create c dir export Nfs3/UNCHECKED SetAttr/NONE))]
        (nfs/truncate! conn fh (* block-size block-count))
        (nfs/commit! conn fh))
      (finally (nfs/close conn)))))

(defn- encode ^bytes [v]
  (let [bb (ByteBuffer/allocate block-size)]
    (while (.hasRemaining bb) (.putLong bb v))
    (.array bb)))

(defn- decode
  "The block's value: nil when all zero (never written), v when every long is v, else [:torn first-long]."
  [^bytes b]
  (let [bb (ByteBuffer/wrap b) longs (set (repeatedly (quot (alength b) 8) #(.getLong bb)))
        v (.getLong (ByteBuffer/wrap b))]
    (cond (not= 1 (count longs)) [:torn v]
          (zero? v) nil
          :else v)))

(defn- await* [f] (.get ^java.util.concurrent.CompletableFuture f 10 TimeUnit/SECONDS))

(defrecord Client [cluster ^NbdClient nbd]
  core/Client
  (open-client [this _ node]
    (assoc this :nbd (NbdClient/connect (InetSocketAddress. ^String (db/host cluster node) (int (db/nbd-port cluster node)))
                                        (NbdClient$Options/of export))))
  (invoke! [_ _ {:keys [f value] :as op}]
    (case f
      :crash (do (db/crash! cluster (first (:nodes cluster))) {:type :info})
      :write (let [[b v] value]
               (await* (.write nbd (long (* b block-size)) (encode v) (int (if (:fua op) NbdProtocol/CMD_FLAG_FUA 0))))
               {:type :ok})
      :read (let [[b] value] {:type :ok :value [b (decode (await* (.read nbd (long (* b block-size)) (int block-size))))]})
      :flush (do (await* (.flush nbd)) {:type :ok})))
  (close-client [_ _] (when nbd (.close nbd))))

(defn- rand-op [counter]
  (let [r (rand-int 40)]
    (cond (< r 14) {:f :read :value [(rand-int block-count) nil]}
          (< r 24) {:f :write :value [(rand-int block-count) (swap! counter inc)]}
          (< r 30) {:f :write :value [(rand-int block-count) (swap! counter inc)] :fua true}
          (< r 38) {:f :flush :value nil}
          (< r 39) {:f :read :value [(rand-int block-count) nil]}
          :else {:f :crash :value nil})))

(defn workload [{:keys [cluster]}]
  (let [counter (atom 0)]
    {:client (->Client cluster nil)
     :setup-workload! (fn [] (create-device! cluster))
     :op-timeouts-ms {:crash 120000}
     :generator (gen/repeat* #(rand-op counter))
     :final-generator (gen/seq* (for [b (range block-count)] {:f :read :value [b nil]}))
     :checker (fn [_ history] (block/check history))}))

(ns cairn.jepsen.workload.crashfs
  "local-fs-style crash testing on one node over NFS or 9P: single-threaded file operations in the local-fs
  vocabulary (paths are vectors from {a, b}, data are hex strings), writes not durable until :fsync (NFS
  UNSTABLE + COMMIT; 9P Twrite + Tfsync), and :lose-unfsynced-writes = SIGKILL the server, restart it,
  reconnect. Checked against Cairn's contract: after a crash the tree is the state after a prefix of the
  operations that contains everything before the last successful fsync."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.tree :as tree]
            [cairn.jepsen.checker.fsmodel :as fsmodel]
            [clojure.test.check.generators :as g])
  (:import (java.util HexFormat)))

(def ^:private hex (HexFormat/of))

(defn- apply! [t {:keys [f value]}]
  (case f
    :read (let [[path] value] [path (.formatHex hex (tree/read-file t path))])
    :write (let [[path data] value] (tree/write-file! t path (.parseHex hex data)) value)
    :append (let [[path data] value] (tree/append-file! t path (.parseHex hex data)) value)
    :truncate (let [[path delta] value] (tree/truncate-file! t path delta) value)
    :mkdir (do (tree/mkdir! t value) value)
    :rm (do (tree/rm-tree! t value) value)
    :mv (let [[from to] value] (tree/mv! t from to) value)
    :ln (let [[from to] value] (tree/ln! t from to) value)
    :fsync (do (tree/fsync! t value) value)))

(defn invoke
  "Performs op on tree t (a crash restarts the cluster's only node): :ok, :fail with the POSIX error the model
  knows, or :info when the outcome is unknown (a crash, another error)."
  [cluster t op]
  (if (= :lose-unfsynced-writes (:f op))
    (do (db/crash! cluster (first (:nodes cluster)))
        {:type :info})
    (try {:type :ok :value (apply! t op)}
         (catch clojure.lang.ExceptionInfo e
           (if-let [k (:fs-error (ex-data e))] {:type :fail :error k} (throw e))))))

(defrecord Client [cluster protocol t]
  core/Client
  (open-client [this _ _] (assoc this :t (tree/connect cluster protocol (first (:nodes cluster)))))
  (invoke! [_ _ op] (invoke cluster t op))
  (close-client [_ _] (tree/close! t)))

(def ^:private path-g (g/vector (g/elements ["a" "b"]) 1 2))
(def ^:private hex-g (g/fmap #(.formatHex hex (byte-array %)) (g/vector (g/choose -128 127) 1 4)))

(def op-g
  "One crashfs op, as a test.check generator (so quickcheck can shrink sequences of them). Crashes (a restart
  takes seconds) are rare so that each follows a few dozen ops."
  (g/frequency [[30 (g/fmap (fn [p] {:f :read :value [p nil]}) path-g)]
                [10 (g/fmap (fn [[p h]] {:f :write :value [p h]}) (g/tuple path-g hex-g))]
                [10 (g/fmap (fn [[p h]] {:f :append :value [p h]}) (g/tuple path-g hex-g))]
                [5 (g/fmap (fn [[p d]] {:f :truncate :value [p d]}) (g/tuple path-g (g/choose -2 2)))]
                [5 (g/fmap (fn [p] {:f :mkdir :value p}) path-g)]
                [5 (g/fmap (fn [p] {:f :rm :value p}) path-g)]
                [5 (g/fmap (fn [v] {:f :mv :value v}) (g/tuple path-g path-g))]
                [5 (g/fmap (fn [v] {:f :ln :value v}) (g/tuple path-g path-g))]
                [15 (g/fmap (fn [p] {:f :fsync :value p}) path-g)]
                [1 (g/return {:f :lose-unfsynced-writes :value nil})]]))

(def final-reads
  "Reads of every path after the run."
  (for [p [["a"] ["b"] ["a" "a"] ["a" "b"] ["b" "a"] ["b" "b"]]] {:f :read :value [p nil]}))

(defn workload [{:keys [cluster protocol]}]
  {:client (->Client cluster protocol nil)
   ;; a crash is SIGKILL + restart + recovery: give it far longer than a filesystem op
   :op-timeouts-ms {:lose-unfsynced-writes 120000}
   :generator (gen/repeat* #(g/generate op-g))
   :final-generator (gen/seq* final-reads)
   :checker (fn [_ history] (fsmodel/check history))})

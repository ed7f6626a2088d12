(ns cairn.jepsen.workload.crashfs
  "local-fs-style crash testing over NFS on one node: single-threaded file operations in the local-fs
  vocabulary (paths are vectors from {a, b}, data are hex strings), writes UNSTABLE, :fsync = COMMIT (a
  barrier), and :lose-unfsynced-writes = SIGKILL the server, restart it, reconnect. Checked against
  Cairn's contract: after a crash the tree is the state after a prefix of the operations that contains
  everything before the last successful fsync."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.fsmodel :as fsmodel]
            [clojure.string :as str])
  (:import (cairn.protocols.nfs Nfs3)
           (cairn.protocols.nfs.client NfsClient NfsException)
           (java.util HexFormat)))

(def ^:private hex (HexFormat/of))

(defn- rm-tree! [{:keys [^NfsClient client] :as conn} path]
  (let [parent (nfs/lookup conn (vec (butlast path)))
        fh (nfs/lookup conn path)
        attr (.getattr client fh)]
    (if (= cairn.engine.fs.FileType/DIRECTORY (.type attr))
      (do (doseq [e (.listAll client fh) :when (not (#{"." ".."} (.name e)))]
            (rm-tree! conn (conj path (.name e))))
          (.rmdir client parent (last path)))
      (.remove client parent (last path)))))

(defn- apply! [{:keys [^NfsClient client] :as conn} {:keys [f value]}]
  (case f
    :read (let [[path] value fh (nfs/lookup conn path)]
            (when (= cairn.engine.fs.FileType/DIRECTORY (.type (.getattr client fh)))
              (throw (NfsException. "READ" Nfs3/ERR_ISDIR)))
            [path (.formatHex hex (nfs/read-all conn fh))])
    :write (let [[path data] value fh (nfs/create! conn path)]
             (nfs/truncate! conn fh 0)
             (nfs/write! conn fh 0 (.parseHex hex data) Nfs3/UNSTABLE)
             value)
    :append (let [[path data] value fh (nfs/create! conn path)]
              (nfs/write! conn fh (nfs/size conn fh) (.parseHex hex data) Nfs3/UNSTABLE)
              value)
    :truncate (let [[path delta] value fh (nfs/lookup conn path)]
                (nfs/truncate! conn fh (max 0 (+ delta (nfs/size conn fh))))
                value)
    :mkdir (do (.mkdir client (nfs/lookup conn (vec (butlast value))) (last value) cairn.engine.fs.SetAttr/NONE) value)
    :rm (do (rm-tree! conn value) value)
    :mv (let [[from to] value]
          (.rename client (nfs/lookup conn (vec (butlast from))) (last from)
                   (nfs/lookup conn (vec (butlast to))) (last to))
          value)
    :ln (let [[from to] value]
          (.link client (nfs/lookup conn from) (nfs/lookup conn (vec (butlast to))) (last to))
          value)
    :fsync (do (nfs/commit! conn (nfs/lookup conn value)) value)))

(defrecord Client [cluster conn]
  core/Client
  (open-client [this _ _] (assoc this :conn (let [n (first (:nodes cluster))] (nfs/connect (db/host cluster n) (db/nfs-port cluster n)))))
  (invoke! [this _ op]
    (if (= :lose-unfsynced-writes (:f op))
      (do (db/crash! cluster (first (:nodes cluster)))
          {:type :info})
      (try {:type :ok :value (apply! conn op)}
           (catch NfsException e
             (if-let [k (nfs/error-keyword (.status e))]
               {:type :fail :error k}
               {:type :info :error [:nfs (.status e)]})))))
  (close-client [_ _] (nfs/close conn)))

(def ^:private names ["a" "b"])
(defn- rand-path [] (vec (repeatedly (inc (rand-int 2)) #(rand-nth names))))
(defn- rand-hex [] (.formatHex hex (byte-array (repeatedly (inc (rand-int 4)) #(rand-int 256)))))

(defn- rand-op []
  (let [r (rand-int 20)]
    ;; crashes (a restart takes seconds) are drawn rarely so that each crash follows a few dozen ops
    (cond (< r 6) {:f :read :value [(rand-path) nil]}
          (< r 8) {:f :write :value [(rand-path) (rand-hex)]}
          (< r 10) {:f :append :value [(rand-path) (rand-hex)]}
          (< r 11) {:f :truncate :value [(rand-path) (- (rand-int 5) 2)]}
          (< r 12) {:f :mkdir :value (rand-path)}
          (< r 13) {:f :rm :value (rand-path)}
          (< r 14) {:f :mv :value [(rand-path) (rand-path)]}
          (< r 15) {:f :ln :value [(rand-path) (rand-path)]}
          (< r 18) {:f :fsync :value (rand-path)}
          (zero? (rand-int 20)) {:f :lose-unfsynced-writes :value nil}
          :else {:f :read :value [(rand-path) nil]})))

(defn workload [{:keys [cluster]}]
  {:client (->Client cluster nil)
   ;; a crash is SIGKILL + restart + recovery: give it far longer than a filesystem op
   :op-timeouts-ms {:lose-unfsynced-writes 120000}
   :generator (gen/repeat* rand-op)
   :final-generator (gen/seq* (for [p [["a"] ["b"] ["a" "a"] ["a" "b"] ["b" "a"] ["b" "b"]]] {:f :read :value [p nil]}))
   :checker (fn [_ history] (fsmodel/check history))})

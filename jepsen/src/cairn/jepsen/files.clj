(ns cairn.jepsen.files
  "Whole-file operations for the cluster workloads (register, append, set) over either protocol, each durable
  before it returns: NFSv3 writes FILE_SYNC; 9P2000.L writes then Tfsync. A worker keeps its connection to
  the current leader in an atom and follows failovers (`with-leader`)."
  (:require [cairn.jepsen.db :as db]
            [cairn.jepsen.nfs :as nfs])
  (:import (cairn.engine.fs SetAttr)
           (cairn.protocols.nfs Nfs3)
           (cairn.protocols.nfs.client NfsClient NfsClient$DirEntry)
           (cairn.protocols.ninep.client NinepClient NinepException)
           (cairn.protocols.ninep.wire Dirent Protocol Rmessage$Rgetattr)
           (java.net InetSocketAddress)
           (java.time Duration)))

(defprotocol Files
  (write-at! [c name offset data] "Creates `name` if absent and writes `data` at `offset`, durably.")
  (append! [c name data] "Creates `name` if absent and writes `data` at its end, durably.")
  (read-file [c name] "The whole content of `name`, or nil when it does not exist.")
  (create-new! [c name] "Creates `name`, failing if it exists (NFS GUARDED, 9P O_EXCL), durably.")
  (list-names [c] "The names in the root directory.")
  (close! [c]))

(defrecord NfsFiles [conn]
  Files
  (write-at! [_ name offset data] (nfs/write! conn (nfs/create! conn [name]) offset data Nfs3/FILE_SYNC) nil)
  (append! [_ name data]
    (let [fh (nfs/create! conn [name])] (nfs/write! conn fh (nfs/size conn fh) data Nfs3/FILE_SYNC) nil))
  (read-file [_ name] (when-let [fh (nfs/lookup-or-nil conn [name])] (nfs/read-all conn fh)))
  (create-new! [_ name]
    (let [^NfsClient c (:client conn)]
      (nfs/commit! conn (.fh (.create c (:root conn) name Nfs3/GUARDED SetAttr/NONE))))
    nil)
  (list-names [_] (mapv #(.name ^NfsClient$DirEntry %) (.listAll ^NfsClient (:client conn) (:root conn))))
  (close! [_] (nfs/close conn)))

(def ^:private O_RDONLY 0)
(def ^:private O_RDWR 2)
(def ^:private O_CREAT 64)
(def ^:private O_EXCL 128)
(def ^:private ENOENT 2)
(def ^:private EEXIST 17)
(def root-fid "The fid the root is attached at (NinepClient/newFid never hands it out)." 1)

(defn- enoent? [^NinepException e] (= ENOENT (.errno e)))

(defn- walk-file
  "A new fid for `name` under the root, or nil when it does not exist."
  [^NinepClient c name]
  (let [fid (.newFid c)]
    (try (.walkAll c root-fid fid (into-array String [name])) fid
         (catch NinepException e (if (enoent? e) nil (throw e))))))

(defn- open-rw
  "An open read-write fid for `name`, creating the file when absent (a concurrent creator wins: re-walk)."
  [^NinepClient c name]
  (loop [tries 0]
    (if-let [fid (walk-file c name)]
      (do (.lopen c fid O_RDWR) fid)
      (let [fid (.walkClone c root-fid)
            created (try (.lcreate c fid name (bit-or O_RDWR O_CREAT) 0644 0) fid
                         (catch NinepException e
                           (.clunk c fid)
                           (if (and (= EEXIST (.errno e)) (< tries 3)) nil (throw e))))]
        (or created (recur (inc tries)))))))

(defmacro ^:private with-fid [[fid expr] c & body]
  `(let [~fid ~expr] (try ~@body (finally (.clunk ~c ~fid)))))

(defrecord NinepFiles [^NinepClient client]
  Files
  (write-at! [_ name offset data]
    (with-fid [fid (open-rw client name)] client
      (.writeAll client fid (long offset) data)
      (.fsync client fid))
    nil)
  (append! [_ name data]
    (with-fid [fid (open-rw client name)] client
      (let [^Rmessage$Rgetattr a (.getattr client fid Protocol/GETATTR_SIZE)]
        (.writeAll client fid (.size a) data)
        (.fsync client fid)))
    nil)
  (read-file [_ name]
    (when-let [fid (walk-file client name)]
      (with-fid [fid fid] client
        (.lopen client fid O_RDONLY)
        (.readAll client fid 0))))
  (create-new! [_ name]
    (with-fid [fid (.walkClone client root-fid)] client
      (.lcreate client fid name (bit-or O_RDWR O_CREAT O_EXCL) 0644 0)
      (.fsync client fid))
    nil)
  (list-names [_]
    (with-fid [fid (.walkClone client root-fid)] client
      (.lopen client fid O_RDONLY)
      (mapv #(.name ^Dirent %) (.readdirAll client fid))))
  (close! [_] (.close client)))

(defn ninep-connect
  "A 9P2000.L client to `node`, attached as root at `root-fid`."
  [cluster node]
  (let [c (NinepClient/connect (InetSocketAddress. ^String (db/host cluster node) (int (db/ninep-port cluster node)))
                               (int 65536) (Duration/ofSeconds 10))]
    (try (.attach c root-fid "root" "" 0) c (catch Exception e (.close c) (throw e)))))

(defn connect
  "Files on `node` over `protocol` (:nfs or :9p)."
  [cluster protocol node]
  (case protocol
    :nfs (->NfsFiles (nfs/connect (db/host cluster node) (db/nfs-port cluster node)))
    :9p (->NinepFiles (ninep-connect cluster node))))

(defn leader-files!
  "The connection held in atom `a`, first connecting to the current leader when there is none; nil while no
  node leads."
  [cluster protocol a]
  (or @a (when-let [l (db/leader cluster)]
           (reset! a (try (connect cluster protocol l) (catch Exception _ nil))))))

(defn drop-files!
  "Closes and forgets the connection in `a` (after an error: the next op finds the leader again)."
  [a]
  (when-let [c (first (reset-vals! a nil))] (try (close! c) (catch Exception _))))

(defmacro with-leader
  "Runs body with `conn` bound to a leader connection from atom `a`, or answers :fail :no-leader. Any
  exception drops the connection and becomes `(on-error e)`."
  [[conn cluster protocol a] on-error & body]
  `(if-let [~conn (leader-files! ~cluster ~protocol ~a)]
     (try ~@body
          (catch Exception e# (drop-files! ~a) (~on-error e#)))
     {:type :fail :error :no-leader}))

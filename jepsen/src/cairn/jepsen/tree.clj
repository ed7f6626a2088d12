(ns cairn.jepsen.tree
  "Path-based file operations for crashfs over either protocol, in the local-fs vocabulary: paths are vectors
  of names relative to the tree's root, data are byte arrays. Writes are not durable until `fsync!` (NFS
  UNSTABLE writes and COMMIT; 9P Twrite and Tfsync). A POSIX error the model predicts is thrown as
  ex-info {:fs-error keyword}; anything else propagates (the op may or may not have happened)."
  (:require [cairn.jepsen.db :as db]
            [cairn.jepsen.files :as files]
            [cairn.jepsen.nfs :as nfs])
  (:import (cairn.engine.fs FileType SetAttr)
           (cairn.protocols.nfs Nfs3)
           (cairn.protocols.nfs.client NfsClient NfsClient$DirEntry NfsException)
           (cairn.protocols.ninep.client NinepClient NinepException)
           (cairn.protocols.ninep.wire Dirent Protocol Rmessage$Rgetattr)))

(defprotocol Tree
  (read-file [t path] "The content of the regular file at path.")
  (write-file! [t path data] "Creates path if absent, truncates it, writes data.")
  (append-file! [t path data] "Creates path if absent, writes data at its end.")
  (truncate-file! [t path delta] "Grows or shrinks the file at path by delta bytes (not below 0).")
  (mkdir! [t path])
  (rm-tree! [t path] "Removes path, and everything under it when it is a directory.")
  (mv! [t from to] "rename(2) from -> to.")
  (ln! [t from to] "A hard link `to` of the file `from`.")
  (fsync! [t path] "A barrier for path (COMMIT, Tfsync).")
  (subtree [t dir] "The same connection, rooted at the directory `dir` (a name under this root).")
  (close! [t]))

(defn- fs-error [k] (ex-info (name k) {:fs-error k}))

(defn- parent [path] (vec (butlast path)))

;; ---- NFSv3 ---------------------------------------------------------------------------------------------

(defn- nfs-call
  "Runs f, turning an NFS status the model knows into {:fs-error k}."
  [f]
  (try (f)
       (catch NfsException e
         (if-let [k (nfs/error-keyword (.status e))] (throw (fs-error k)) (throw e)))))

(defmacro ^:private nfs-op [& body] `(nfs-call (fn [] ~@body)))

(defn- nfs-dir? [{:keys [^NfsClient client]} fh] (= FileType/DIRECTORY (.type (.getattr client fh))))

(defrecord NfsTree [conn]
  Tree
  (read-file [_ path]
    (nfs-op (let [fh (nfs/lookup conn path)]
              (when (nfs-dir? conn fh) (throw (fs-error :not-file)))
              (nfs/read-all conn fh))))
  (write-file! [_ path data]
    (nfs-op (let [fh (nfs/create! conn path)]
              (nfs/truncate! conn fh 0)
              (nfs/write! conn fh 0 data Nfs3/UNSTABLE))))
  (append-file! [_ path data]
    (nfs-op (let [fh (nfs/create! conn path)]
              (nfs/write! conn fh (nfs/size conn fh) data Nfs3/UNSTABLE))))
  (truncate-file! [_ path delta]
    (nfs-op (let [fh (nfs/lookup conn path)]
              (nfs/truncate! conn fh (max 0 (+ delta (nfs/size conn fh)))))))
  (mkdir! [_ path]
    (nfs-op (.mkdir ^NfsClient (:client conn) (nfs/lookup conn (parent path)) (last path) SetAttr/NONE)))
  (rm-tree! [this path]
    (nfs-op (let [^NfsClient client (:client conn)
                  dir (nfs/lookup conn (parent path))
                  fh (nfs/lookup conn path)]
              (if (nfs-dir? conn fh)
                (do (doseq [e (.listAll client fh) :let [n (.name ^NfsClient$DirEntry e)] :when (not (#{"." ".."} n))]
                      (rm-tree! this (conj path n)))
                    (.rmdir client dir (last path)))
                (.remove client dir (last path))))))
  (mv! [_ from to]
    (nfs-op (.rename ^NfsClient (:client conn) (nfs/lookup conn (parent from)) (last from)
                     (nfs/lookup conn (parent to)) (last to))))
  (ln! [_ from to]
    (nfs-op (.link ^NfsClient (:client conn) (nfs/lookup conn from) (nfs/lookup conn (parent to)) (last to))))
  (fsync! [_ path] (nfs-op (nfs/commit! conn (nfs/lookup conn path))))
  (subtree [_ dir] (->NfsTree (assoc conn :root (nfs-op (nfs/lookup conn [dir])))))
  (close! [_] (nfs/close conn)))

;; ---- 9P2000.L ------------------------------------------------------------------------------------------

(def ^:private errno-keyword {2 :does-not-exist 20 :not-dir 21 :not-file 17 :exists 39 :not-empty
                              22 :cannot-move-inside-self})

(defn- ninep-call [f]
  (try (f)
       (catch NinepException e
         (if-let [k (errno-keyword (.errno e))] (throw (fs-error k)) (throw e)))))

(defmacro ^:private ninep-op [& body] `(ninep-call (fn [] ~@body)))

(def ^:private O_RDONLY 0)
(def ^:private O_RDWR 2)
(def ^:private O_CREAT 64)
(def ^:private O_TRUNC 512)

(defn- walk
  "A new fid for path under `root`, walked one name at a time so that a regular file in the middle of the
  path answers ENOTDIR (a multi-name walk reports any failure past the first name as a short walk)."
  [^NinepClient c root path]
  (let [fid (.walkClone c root)]
    (try (doseq [n path] (.walk c fid fid (into-array String [n])))
         fid
         (catch Throwable e (.clunk c fid) (throw e)))))

(defmacro ^:private with-fid [[fid expr] c & body]
  `(let [~fid ~expr] (try ~@body (finally (.clunk ~c ~fid)))))

(defn- ninep-dir? [^NinepClient c fid]
  (let [^Rmessage$Rgetattr a (.getattr c fid Protocol/GETATTR_MODE)]
    (= 0040000 (bit-and (.mode a) 0170000))))

(defn- ninep-size [^NinepClient c fid] (.size ^Rmessage$Rgetattr (.getattr c fid Protocol/GETATTR_SIZE)))

(defn- open-for-write
  "An open fid for the file at path, created when absent; O_TRUNC when truncate?."
  [^NinepClient c root path truncate?]
  (let [dir (walk c root (parent path))
        file (try (walk c dir [(last path)])
                  (catch NinepException e (if (= 2 (.errno e)) nil (do (.clunk c dir) (throw e)))))]
    (if file
      (do (.clunk c dir)
          (try (when (ninep-dir? c file) (throw (fs-error :not-file)))
               (.lopen c file (cond-> O_RDWR truncate? (bit-or O_TRUNC)))
               file
               (catch Throwable e (.clunk c file) (throw e))))
      (try (.lcreate c dir (last path) (bit-or O_RDWR O_CREAT) 0644 0) dir
           (catch Throwable e (.clunk c dir) (throw e))))))

(defrecord NinepTree [^NinepClient client root]
  Tree
  (read-file [_ path]
    (ninep-op (with-fid [fid (walk client root path)] client
                (when (ninep-dir? client fid) (throw (fs-error :not-file)))
                (.lopen client fid O_RDONLY)
                (.readAll client fid 0))))
  (write-file! [_ path data]
    (ninep-op (with-fid [fid (open-for-write client root path true)] client
                (.writeAll client fid 0 data))))
  (append-file! [_ path data]
    (ninep-op (with-fid [fid (open-for-write client root path false)] client
                (.writeAll client fid (ninep-size client fid) data))))
  (truncate-file! [_ path delta]
    (ninep-op (with-fid [fid (walk client root path)] client
                (when (ninep-dir? client fid) (throw (fs-error :not-file)))
                (.setattr client fid Protocol/SETATTR_SIZE 0 0 0 (max 0 (+ delta (ninep-size client fid))) 0 0 0 0))))
  (mkdir! [_ path]
    (ninep-op (with-fid [dir (walk client root (parent path))] client
                (.mkdir client dir (last path) 0755 0))))
  (rm-tree! [this path]
    (ninep-op (let [dir? (with-fid [fid (walk client root path)] client (ninep-dir? client fid))]
                (when dir?
                  (doseq [n (with-fid [fid (walk client root path)] client
                              (.lopen client fid O_RDONLY)
                              (mapv #(.name ^Dirent %) (.readdirAll client fid)))
                          :when (not (#{"." ".."} n))]
                    (rm-tree! this (conj path n))))
                (with-fid [dir (walk client root (parent path))] client
                  (.unlinkat client dir (last path) (if dir? Protocol/AT_REMOVEDIR 0))))))
  (mv! [_ from to]
    (ninep-op (with-fid [fd (walk client root (parent from))] client
                (with-fid [td (walk client root (parent to))] client
                  (.renameat client fd (last from) td (last to))))))
  (ln! [_ from to]
    (ninep-op (with-fid [f (walk client root from)] client
                (with-fid [td (walk client root (parent to))] client
                  (.link client td f (last to))))))
  (fsync! [_ path]
    (ninep-op (with-fid [fid (walk client root path)] client
                (.lopen client fid O_RDONLY)
                (.fsync client fid))))
  (subtree [_ dir] (->NinepTree client (ninep-op (walk client root [dir]))))
  (close! [_] (.close client)))

(defn connect
  "A tree at the root of `node`'s export, over :nfs or :9p."
  [cluster protocol node]
  (case protocol
    :nfs (->NfsTree (nfs/connect (db/host cluster node) (db/nfs-port cluster node)))
    :9p (->NinepTree (files/ninep-connect cluster node) files/root-fid)))

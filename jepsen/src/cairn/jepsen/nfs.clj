(ns cairn.jepsen.nfs
  "Thin Clojure helpers over Cairn's Java NFSv3 client: connect to an address, resolve paths, map NFS status
  codes to the local-fs error keywords."
  (:import (cairn.protocols.nfs.client NfsClient NfsException)
           (cairn.protocols.nfs Nfs3)
           (cairn.engine.fs SetAttr)
           (java.net InetSocketAddress)))

(defn connect
  "An NFS client bound to a node's NFS address, with the export's root handle."
  [host port]
  (let [c (NfsClient/connect (InetSocketAddress. ^String host (int port)))]
    (try {:client c :root (.mount c "/")}
         (catch Exception e (.close c) (throw e)))))

(defn close [{:keys [^NfsClient client]}] (when client (.close client)))

(def error-keyword
  {Nfs3/ERR_NOENT :does-not-exist Nfs3/ERR_NOTDIR :not-dir Nfs3/ERR_ISDIR :not-file
   Nfs3/ERR_EXIST :exists Nfs3/ERR_NOTEMPTY :not-empty Nfs3/ERR_INVAL :cannot-move-inside-self})

(defn lookup
  "The handle of `path` (a vector of names) or throws NfsException."
  [{:keys [^NfsClient client root]} path]
  (reduce (fn [fh name] (.fh (.lookup client fh name))) root path))

(defn lookup-or-nil [conn path]
  (try (lookup conn path) (catch NfsException e (when-not (= Nfs3/ERR_NOENT (.status e)) (throw e)))))

(defn create!
  "Creates (or opens, UNCHECKED) a regular file and returns its handle."
  [{:keys [^NfsClient client] :as conn} path]
  (.fh (.create client (lookup conn (vec (butlast path))) (last path) Nfs3/UNCHECKED SetAttr/NONE)))

(defn size [{:keys [^NfsClient client]} fh] (.size (.getattr client fh)))

(defn read-all [{:keys [^NfsClient client]} fh]
  (loop [off 0 out (java.io.ByteArrayOutputStream.)]
    (let [r (.read client fh off (* 1024 1024)) d (.data r)]
      (.write out d 0 (alength d))
      (if (or (.eof r) (zero? (alength d))) (.toByteArray out) (recur (+ off (alength d)) out)))))

(defn write! [{:keys [^NfsClient client]} fh offset ^bytes data stable]
  (.write client fh (long offset) data (int stable)))

(defn commit! [{:keys [^NfsClient client]} fh] (.commit client fh 0 0))

(defn truncate! [{:keys [^NfsClient client]} fh n] (.setattr client fh (SetAttr/size n) nil))

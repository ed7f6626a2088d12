(ns cairn.jepsen.nfs
  "Thin Clojure helpers over Cairn's Java NFSv3 client: connect to a node, resolve paths, map NFS status
  codes to the local-fs error keywords."
  (:require [cairn.jepsen.db :as db])
  (:import (cairn.protocols.nfs.client NfsClient NfsException)
           (cairn.protocols.nfs Nfs3)
           (cairn.engine.fs SetAttr)
           (java.net InetSocketAddress)))

(defn connect
  "An NFS client bound to a node's NFS port, with the export's root handle."
  [port]
  (let [c (NfsClient/connect (InetSocketAddress. "127.0.0.1" (int port)))]
    {:client c :root (.mount c "/")}))

(defn close [{:keys [^NfsClient client]}] (when client (.close client)))

(defn leader-conn!
  "The connection held in atom `a`, first connecting to the current leader when there is none; nil while
  no node leads. A worker keeps one such atom, so it follows failovers without being retired."
  [cluster a]
  (or @a (when-let [l (db/leader cluster)]
           (reset! a (try (connect (db/nfs-port cluster l)) (catch Exception _ nil))))))

(defn drop-conn!
  "Closes and forgets the connection in `a` (after an error: the next op finds the leader again)."
  [a]
  (when-let [c (first (reset-vals! a nil))] (try (close c) (catch Exception _))))

(defmacro with-leader
  "Runs body with `conn` bound to a leader connection from atom `a`, or answers :fail :no-leader. Any
  exception drops the connection and becomes `(on-error e)`."
  [[conn cluster a] on-error & body]
  `(if-let [~conn (leader-conn! ~cluster ~a)]
     (try ~@body
          (catch Exception e# (drop-conn! ~a) (~on-error e#)))
     {:type :fail :error :no-leader}))

(defn status [^Throwable e] (when (instance? NfsException e) (.status ^NfsException e)))

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

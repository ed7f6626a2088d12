(ns cairn.jepsen.db
  "A local test cluster of real `cairn` processes on loopback, one directory each under the run's store
  directory, sharing one bucket (a file:// store). Start, SIGKILL, SIGSTOP/SIGCONT, restart; find the leader
  through /health/leader."
  (:require [clojure.java.io :as io]
            [clojure.string :as str])
  (:import (java.net URI)
           (java.net.http HttpClient HttpRequest HttpResponse$BodyHandlers)
           (java.time Duration)))

(defn- port [cluster node offset] (+ (:base-port cluster) (* 10 (inc (.indexOf ^java.util.List (:nodes cluster) node))) offset))
(defn nfs-port [c n] (port c n 0))
(defn ninep-port [c n] (port c n 1))
(defn nbd-port [c n] (port c n 2))
(defn http-port [c n] (port c n 3))
(defn raft-port [c n] (port c n 4))

(defn- config [cluster node]
  (let [dir (io/file (:dir cluster) node)
        ha? (> (count (:nodes cluster)) 1)]
    (str "[storage]\nurl = \"file://" (.getAbsolutePath (io/file (:dir cluster) "bucket")) "\"\n"
         "key_file = \"" (.getAbsolutePath (io/file (:dir cluster) "key")) "\"\n"
         "[cache]\ndir = \"" (.getAbsolutePath (io/file dir "cache")) "\"\n"
         "[engine]\nflush_interval_ms = 20\n"
         "[servers.nfs]\naddresses = [\"127.0.0.1:" (nfs-port cluster node) "\"]\n"
         "[servers.ninep]\naddresses = [\"127.0.0.1:" (ninep-port cluster node) "\"]\n"
         "[servers.nbd]\naddresses = [\"127.0.0.1:" (nbd-port cluster node) "\"]\n"
         "[servers.http]\naddresses = [\"127.0.0.1:" (http-port cluster node) "\"]\n"
         (when ha?
           (str "[ha]\nnode_id = \"" node "\"\nmode = \"raft\"\n"
                "raft_address = \"127.0.0.1:" (raft-port cluster node) "\"\n"
                "peers = [" (str/join ", " (for [n (:nodes cluster)] (str "\"" n "@127.0.0.1:" (raft-port cluster n) "\""))) "]\n"
                "election_timeout_ms = " (:election-timeout-ms cluster 1000) "\n"
                "poll_interval_ms = 100\n")))))

(defn cluster
  "A cluster description: nodes, a base port, the jar, and the run directory."
  [{:keys [nodes dir jar base-port] :as opts}]
  (merge {:procs (atom {}) :base-port (or base-port (+ 20000 (* 100 (rand-int 300))))} opts))

(defn start! [cluster node]
  (let [dir (io/file (:dir cluster) node)
        cfg (io/file dir "cairn.toml")
        log (io/file dir "cairn.log")]
    (.mkdirs dir)
    (spit cfg (config cluster node))
    (let [pb (doto (ProcessBuilder. ^java.util.List
                                    ["java" "-Xmx384m" "-XX:+UseSerialGC" "--enable-native-access=ALL-UNNAMED"
                                     "-jar" (:jar cluster) "run" "-c" (.getPath cfg)])
               (.redirectErrorStream true)
               (.redirectOutput (java.lang.ProcessBuilder$Redirect/appendTo log)))
          p (.start pb)]
      (spit (io/file dir "pid") (str (.pid p)))
      (swap! (:procs cluster) assoc node p)
      p)))

(defn setup! [cluster]
  (.mkdirs (io/file (:dir cluster) "bucket"))
  (let [key (io/file (:dir cluster) "key")
        bytes (byte-array 32)]
    (.nextBytes (java.security.SecureRandom.) bytes)
    (spit key (.formatHex (java.util.HexFormat/of) bytes))
    (java.nio.file.Files/setPosixFilePermissions (.toPath key) (java.nio.file.attribute.PosixFilePermissions/fromString "rw-------")))
  (doseq [n (:nodes cluster)] (start! cluster n)))

(defn kill! [cluster node]
  (when-let [^Process p (get @(:procs cluster) node)]
    (.destroyForcibly p)
    (.waitFor p)
    (swap! (:procs cluster) dissoc node)
    :killed))

(defn- signal! [cluster node sig]
  (when-let [^Process p (get @(:procs cluster) node)]
    (.waitFor (.start (ProcessBuilder. ^java.util.List ["kill" (str "-" sig) (str (.pid p))])))
    true))

(defn pause! [cluster node] (when (signal! cluster node "STOP") :paused))
(defn resume! [cluster node] (when (signal! cluster node "CONT") :resumed))

(defn alive? [cluster node] (some-> (get @(:procs cluster) node) (.isAlive)))

(defn restart! [cluster node] (when-not (alive? cluster node) (start! cluster node) :restarted))

(def ^:private http (delay (-> (HttpClient/newBuilder) (.connectTimeout (Duration/ofMillis 500)) (.build))))

(defn- health [cluster node path]
  (try (let [req (-> (HttpRequest/newBuilder (URI. (str "http://127.0.0.1:" (http-port cluster node) path)))
                     (.timeout (Duration/ofMillis 1000)) (.build))]
         (.statusCode (.send ^HttpClient @http req (HttpResponse$BodyHandlers/discarding))))
       (catch Exception _ nil)))

(defn leader
  "The node that answers 200 on /health/leader and /health/ready, or nil."
  [cluster]
  (first (filter #(and (= 200 (health cluster % "/health/leader")) (= 200 (health cluster % "/health/ready"))) (:nodes cluster))))

(defn await-leader
  "Waits up to timeout-ms for a serving leader; returns it or throws."
  [cluster timeout-ms]
  (let [deadline (+ (System/currentTimeMillis) timeout-ms)]
    (loop []
      (or (leader cluster)
          (if (> (System/currentTimeMillis) deadline)
            (throw (ex-info "no leader" {:nodes (:nodes cluster)}))
            (do (Thread/sleep 50) (recur)))))))

(defn crash!
  "SIGKILL `node`, start it again and wait until it serves (a crash of the only node, or of one node)."
  [cluster node]
  (kill! cluster node)
  (start! cluster node)
  (await-leader cluster 120000))

(defn teardown! [cluster]
  (doseq [n (keys @(:procs cluster))] (resume! cluster n) (kill! cluster n)))

(ns cairn.jepsen.db
  "A local test cluster of real `cairn` processes, one directory each under the run's store directory,
  sharing one bucket: a file:// store, or (`:s3? true`) an in-memory S3 server (s3proxy) behind the chaos
  fault proxy, run as one more process. Nodes listen on loopback, or (`:netns PREFIX`) each in its own
  network namespace made by jepsen/net/up.sh (node k at 10.231.0.(10+k), S3 at 10.231.0.2). Start, SIGKILL,
  SIGSTOP/SIGCONT, restart; find the leader through /health/leader."
  (:require [clojure.java.io :as io]
            [clojure.string :as str])
  (:import (cairn.chaos.s3 InMemoryS3)
           (java.net URI)
           (java.net.http HttpClient HttpRequest HttpResponse$BodyHandlers)
           (java.time Duration)))

(defn- port [cluster node offset] (+ (:base-port cluster) (* 10 (inc (.indexOf ^java.util.List (:nodes cluster) node))) offset))
(defn nfs-port [c n] (port c n 0))
(defn ninep-port [c n] (port c n 1))
(defn nbd-port [c n] (port c n 2))
(defn http-port [c n] (port c n 3))
(defn raft-port [c n] (port c n 4))

(defn host
  "The address `node` (or \"s3\") listens on."
  [cluster node]
  (if (:netns cluster)
    (if (= "s3" node) "10.231.0.2" (str "10.231.0." (+ 11 (.indexOf ^java.util.List (:nodes cluster) node))))
    "127.0.0.1"))

(defn netns-of
  "The network namespace of `node` (or \"s3\"); only for :netns clusters."
  [cluster node]
  (str (:netns cluster) "-" node))

(defn- in-netns
  "argv prefixed to run inside the node's namespace when the cluster has namespaces."
  [cluster node argv]
  (if (:netns cluster) (into ["ip" "netns" "exec" (netns-of cluster node)] argv) argv))

(def s3-bucket "cairn")
(defn s3-endpoint [cluster] (str "http://" (host cluster "s3") ":" (+ (:base-port cluster) 1)))
(defn s3-admin [cluster] (str (host cluster "s3") ":" (+ (:base-port cluster) 2)))

(defn- storage-config [cluster]
  (if (:s3? cluster)
    (str "[storage]\nurl = \"s3://" s3-bucket "/vol\"\n")
    (str "[storage]\nurl = \"file://" (.getAbsolutePath (io/file (:dir cluster) "bucket")) "\"\n")))

(defn- aws-config [cluster]
  (when (:s3? cluster)
    (str "[aws]\nendpoint = \"" (s3-endpoint cluster) "\"\nregion = \"us-east-1\"\n"
         "access_key_id = \"" InMemoryS3/IDENTITY "\"\nsecret_access_key = \"" InMemoryS3/CREDENTIAL "\"\n")))

(defn- config [cluster node]
  (let [dir (io/file (:dir cluster) node)
        ha? (> (count (:nodes cluster)) 1)
        h (host cluster node)]
    (str (storage-config cluster)
         "key_file = \"" (.getAbsolutePath (io/file (:dir cluster) "key")) "\"\n"
         "[cache]\ndir = \"" (.getAbsolutePath (io/file dir "cache")) "\"\n"
         "[engine]\nflush_interval_ms = 20\n"
         "[servers.nfs]\naddresses = [\"" h ":" (nfs-port cluster node) "\"]\n"
         "[servers.ninep]\naddresses = [\"" h ":" (ninep-port cluster node) "\"]\n"
         "[servers.nbd]\naddresses = [\"" h ":" (nbd-port cluster node) "\"]\n"
         "[servers.http]\naddresses = [\"" h ":" (http-port cluster node) "\"]\n"
         (aws-config cluster)
         (when ha?
           (str "[ha]\nnode_id = \"" node "\"\nmode = \"raft\"\n"
                "raft_address = \"" h ":" (raft-port cluster node) "\"\n"
                "peers = [" (str/join ", " (for [n (:nodes cluster)] (str "\"" n "@" (host cluster n) ":" (raft-port cluster n) "\""))) "]\n"
                "election_timeout_ms = " (:election-timeout-ms cluster 1000) "\n"
                "poll_interval_ms = 100\n")))))

(defn cluster
  "A cluster description: nodes, a base port, the jar, the run directory; :s3? (an S3 server instead of a
  file:// bucket), :netns (the namespace prefix of jepsen/net/up.sh, or nil for loopback)."
  [{:keys [nodes dir jar base-port s3? netns] :as opts}]
  (merge {:procs (atom {}) :s3-proc (atom nil) :base-port (or base-port (+ 20000 (* 100 (rand-int 300))))} opts))

(defn- java-bin [] (str (System/getProperty "java.home") "/bin/java"))

(defn- await-http
  "Waits until `url` answers at all (any status), or throws after timeout-ms."
  [url timeout-ms]
  (let [deadline (+ (System/currentTimeMillis) timeout-ms)
        client (-> (HttpClient/newBuilder) (.connectTimeout (Duration/ofMillis 1000)) (.build))]
    (loop []
      (when-not (try (.send client (-> (HttpRequest/newBuilder (URI. url)) (.timeout (Duration/ofMillis 2000)) (.build))
                            (HttpResponse$BodyHandlers/discarding))
                     (catch Exception _ nil))
        (when (> (System/currentTimeMillis) deadline) (throw (ex-info "not reachable" {:url url})))
        (Thread/sleep 200)
        (recur)))))

(defn- start-s3!
  "Starts the S3 server (s3proxy in memory, bucket `cairn`) with the fault proxy in front of it, in the S3
  namespace; waits until the fault proxy's admin API answers."
  [cluster]
  (let [dir (io/file (:dir cluster) "s3")
        h (host cluster "s3")
        p (-> (ProcessBuilder. ^java.util.List
                               (in-netns cluster "s3"
                                         [(java-bin) "-Xmx384m" "-XX:+UseSerialGC" "-cp" (System/getProperty "java.class.path")
                                          "cairn.chaos.ChaosCli" "s3-server" "--bucket" s3-bucket
                                          "--s3" (str h ":" (:base-port cluster))
                                          "--listen" (str h ":" (+ 1 (:base-port cluster)))
                                          "--admin" (s3-admin cluster)]))
              (.redirectErrorStream true)
              (.redirectOutput (java.lang.ProcessBuilder$Redirect/appendTo (doto (io/file dir "s3.log") io/make-parents)))
              (.start))]
    (spit (io/file dir "pid") (str (.pid p)))
    (reset! (:s3-proc cluster) p)
    (await-http (str "http://" (s3-admin cluster) "/stats") 300000)))

(defn start! [cluster node]
  (let [dir (io/file (:dir cluster) node)
        cfg (io/file dir "cairn.toml")
        log (io/file dir "cairn.log")]
    (.mkdirs dir)
    (spit cfg (config cluster node))
    (let [pb (doto (ProcessBuilder. ^java.util.List
                                    (in-netns cluster node
                                              [(java-bin) "-Xmx384m" "-XX:+UseSerialGC" "--enable-native-access=ALL-UNNAMED"
                                               "-jar" (:jar cluster) "run" "-c" (.getPath cfg)]))
               (.redirectErrorStream true)
               (.redirectOutput (java.lang.ProcessBuilder$Redirect/appendTo log)))
          p (.start pb)]
      (spit (io/file dir "pid") (str (.pid p)))
      (swap! (:procs cluster) assoc node p)
      p)))

(defn failover!
  "Planned handover: `cairn failover --to target` on the leader's admin socket (the CLI, as an operator runs
  it). Returns the node's answer, or [:refused output] when the command failed."
  [cluster leader target]
  (let [p (-> (ProcessBuilder. ^java.util.List
                               [(java-bin) "-Xmx64m" "-XX:+UseSerialGC" "-XX:TieredStopAtLevel=1" "-jar" (:jar cluster)
                                "failover" "-c" (.getPath (io/file (:dir cluster) leader "cairn.toml")) "--to" target])
              (.redirectErrorStream true)
              (.start))
        out (str/trim (slurp (.getInputStream p)))]
    (if (zero? (.waitFor p)) out [:refused out])))

(defn setup! [cluster]
  (if (:s3? cluster) (start-s3! cluster) (.mkdirs (io/file (:dir cluster) "bucket")))
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
  (try (let [req (-> (HttpRequest/newBuilder (URI. (str "http://" (host cluster node) ":" (http-port cluster node) path)))
                     (.timeout (Duration/ofMillis 2000)) (.build))]
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
  (doseq [n (keys @(:procs cluster))] (resume! cluster n) (kill! cluster n))
  (when-let [^Process p @(:s3-proc cluster)] (.destroyForcibly p) (.waitFor p)))

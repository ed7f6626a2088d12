(ns cairn.jepsen.cli
  "jepsen/run.sh entry point: `test` runs a workload against a local cluster, `check` re-checks a saved
  history.edn, `quickcheck` searches for (and shrinks) a failing crashfs sequence. Exits non-zero unless
  the result is valid."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.history :as h]
            [cairn.jepsen.nemesis :as nemesis]
            [cairn.jepsen.quickcheck :as quickcheck]
            [cairn.jepsen.checker.append :as append]
            [cairn.jepsen.checker.set-full :as set-full]
            [cairn.jepsen.checker.wgl :as wgl]
            [cairn.jepsen.checker.fsmodel :as fsmodel]
            [cairn.jepsen.checker.block :as block]
            [cairn.jepsen.checker.honesty :as honesty]
            [cairn.jepsen.workload.append :as w-append]
            [cairn.jepsen.workload.set :as w-set]
            [cairn.jepsen.workload.register :as w-register]
            [cairn.jepsen.workload.crashfs :as w-crashfs]
            [cairn.jepsen.workload.block :as w-block]
            [cairn.jepsen.workload.honesty :as w-honesty]
            [clojure.java.io :as io]
            [clojure.pprint :as pprint]
            [clojure.string :as str]
            [clojure.tools.cli :as cli]))

(def workloads {"append" w-append/workload "set" w-set/workload "register" w-register/workload
                "crashfs" w-crashfs/workload "block" w-block/workload
                "honesty" w-honesty/workload})

(def ^:private single-node
  "Workloads that crash their only node themselves (no nemesis, one worker)."
  #{"crashfs" "block" "honesty"})

(def checkers {"append" append/check "set" set-full/check "register" wgl/check-independent
               "crashfs" fsmodel/check "block" block/check "honesty" honesty/check})

(defn- keywords [s] (set (map keyword (remove str/blank? (str/split s #",")))))

(def options
  [[nil "--workload W" "append | set | register | crashfs | block | honesty" :default "append" :validate [workloads "unknown workload"]]
   [nil "--nemesis LIST" "comma-separated: kill, pause, partition, s3, failover (none: no faults)" :default #{:kill}
    :default-desc "kill" :parse-fn keywords
    :validate [#(every? #{:kill :pause :partition :s3 :failover :none} %) "unknown nemesis"]]
   [nil "--partitions LIST" "partition specs to draw from: leader, one, majority, majorities-ring, leader-s3"
    :default (set nemesis/partition-specs) :default-desc "all" :parse-fn keywords
    :validate [#(every? (set nemesis/partition-specs) %) "unknown partition spec"]]
   [nil "--s3-faults LIST" (str "S3 fault sets to draw from: " (str/join ", " (map name (keys nemesis/s3-faults))))
    :default (set (keys nemesis/s3-faults)) :default-desc "all" :parse-fn keywords
    :validate [#(every? nemesis/s3-faults %) "unknown S3 fault set"]]
   [nil "--protocol P" "nfs | 9p (register, append, set, crashfs, quickcheck)" :default :nfs :parse-fn keyword
    :validate [#{:nfs :9p} "nfs or 9p"]]
   [nil "--bucket B" "file | s3 (an in-memory S3 server behind the chaos proxy; implied by --nemesis s3)"
    :default :file :parse-fn keyword :validate [#{:file :s3} "file or s3"]]
   [nil "--netns PREFIX" "nodes live in the namespaces PREFIX-n<i> made by net/up.sh (run.sh sets this)"]
   [nil "--nodes N" "cluster size (crashfs, block and honesty always use 1)" :default 3 :parse-fn #(Integer/parseInt %)]
   [nil "--concurrency N" "client workers" :default 3 :parse-fn #(Integer/parseInt %)]
   [nil "--time-limit S" "seconds of faults and load" :default 60 :parse-fn #(Integer/parseInt %)]
   [nil "--interval S" "seconds between fault and heal" :default 10 :parse-fn #(Integer/parseInt %)]
   [nil "--rate R" "ops per second across all workers" :default 20 :parse-fn #(Double/parseDouble %)]
   [nil "--tests N" "quickcheck: op sequences to try" :default 30 :parse-fn #(Integer/parseInt %)]
   [nil "--max-ops N" "quickcheck: longest op sequence" :default 40 :parse-fn #(Integer/parseInt %)]
   [nil "--seed S" "quickcheck: test.check seed (printed by every run)" :parse-fn #(Long/parseLong %)]
   [nil "--shrink-time S" "quickcheck: seconds spent shrinking a failure" :default 300
    :parse-fn #(Integer/parseInt %)]
   [nil "--jar PATH" "the cairn server jar" :default "server/target/cairn.jar"]
   [nil "--store DIR" "where runs are written" :default "store"]])

(defn- run-test [opts]
  (let [w (:workload opts)
        crash? (contains? single-node w)
        nodes (mapv #(str "n" (inc %)) (range (if crash? 1 (:nodes opts))))
        faults (if crash? #{} (disj (:nemesis opts) :none))
        s3? (or (= :s3 (:bucket opts)) (contains? faults :s3))
        partitions (cond-> (:partitions opts) (not s3?) (disj :leader-s3))
        _ (when (and (faults :partition) (not (:netns opts)))
            (throw (ex-info "--nemesis partition needs the nodes in namespaces: use jepsen/run.sh (it passes --netns)" {})))
        _ (when (and (faults :partition) (empty? partitions))
            (throw (ex-info "no partition spec left (leader-s3 needs --bucket s3)" {})))
        name (str/join "-" (concat [w] (map name (sort faults))
                                   (when (= :9p (:protocol opts)) ["9p"]) (when (and s3? (not (faults :s3))) ["s3"])))
        run-dir (io/file (:store opts) "clusters" (str name "-" (System/currentTimeMillis)))
        cluster (db/cluster {:nodes nodes :dir run-dir :jar (.getAbsolutePath (io/file (:jar opts)))
                             :s3? s3? :netns (:netns opts)})
        concurrency (if crash? 1 (:concurrency opts))
        wl ((workloads w) {:cluster cluster :concurrency concurrency :protocol (:protocol opts)})
        test (merge wl
                    {:name name :nodes nodes :concurrency concurrency :store-dir (:store opts)
                     :nemesis (nemesis/nemesis cluster)
                     :generator (gen/time-limit (:time-limit opts)
                                                (gen/stagger (/ concurrency (:rate opts)) (:generator wl)))
                     :nemesis-generator (gen/time-limit (:time-limit opts)
                                                        (nemesis/generator faults (:interval opts)
                                                                           {:partitions (vec partitions)
                                                                            :s3-fault-names (vec (:s3-faults opts))}))
                     :quiescence-s 3
                     :setup! (fn [_]
                               (db/setup! cluster)
                               (db/await-leader cluster 600000)
                               (when-let [f (:setup-workload! wl)] (f)))
                     :teardown! (fn [_] (db/teardown! cluster))})
        result (core/run! test)]
    (pprint/pprint (:results result))
    (println "store:" (.getPath (:dir result)))
    (true? (get-in result [:results :valid?]))))

(defn- check-file [workload file]
  (let [r ((checkers workload) (h/read-history file))]
    (pprint/pprint r)
    (true? (:valid? r))))

(defn -main [& args]
  (let [[cmd & more] args
        {:keys [options arguments errors summary]} (cli/parse-opts more options)]
    (when errors (binding [*out* *err*] (println (str/join "\n" errors))) (System/exit 2))
    (let [ok? (case cmd
                "test" (run-test options)
                "check" (check-file (:workload options) (first arguments))
                "quickcheck" (if (= "crashfs" (:workload options))
                               (quickcheck/run! (assoc options :shrink-ms (* 1000 (:shrink-time options))))
                               (do (println "quickcheck: only --workload crashfs") false))
                (do (println "usage: run.sh test|check|quickcheck [options] [history.edn]\n" summary) false))]
      (shutdown-agents)
      (System/exit (if ok? 0 1)))))

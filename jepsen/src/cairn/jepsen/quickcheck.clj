(ns cairn.jepsen.quickcheck
  "`run.sh quickcheck --workload crashfs`: property-based crash testing with shrinking. test.check draws
  sequences of crashfs ops (crashes included); each trial runs its sequence against one long-lived Cairn
  node inside a fresh, fsynced directory (so trials are independent without a restart each) and checks the
  history with the crashfs model. A failing sequence is shrunk (test.check re-runs smaller ones) for at most
  a time budget, and the smallest failing run is written as history.edn and results.edn under
  store/crashfs-quickcheck/<time>/."
  (:refer-clojure :exclude [run!])
  (:require [cairn.jepsen.db :as db]
            [cairn.jepsen.history :as h]
            [cairn.jepsen.tree :as tree]
            [cairn.jepsen.checker.fsmodel :as fsmodel]
            [cairn.jepsen.workload.crashfs :as crashfs]
            [clojure.java.io :as io]
            [clojure.pprint :as pprint]
            [clojure.test.check :as tc]
            [clojure.test.check.generators :as g]
            [clojure.test.check.properties :as prop]))

(defn- completion
  "The op as completed: its :type and, for :ok, the result :value, for :fail the :error."
  [op {:keys [type value error]}]
  (cond-> (assoc op :type type)
    (= :ok type) (assoc :value value)
    error (assoc :error error)))

(defn run-sequence
  "Runs ops one after another with `invoke` (op -> completion map, possibly :info) and returns the history:
  an :invoke and a completion per op, one process, a new process number after each :info (as Jepsen does)."
  [invoke ops]
  (loop [ops ops, process 0, history []]
    (if-let [op (first ops)]
      (let [done (completion op (invoke op))
            history (conj history (assoc op :type :invoke :process process) (assoc done :process process))]
        (recur (rest ops) (if (= :info (:type done)) (inc process) process) history))
      (vec (map-indexed (fn [i op] (assoc op :index i :time i)) history)))))

(defn search
  "Quick-checks the crashfs contract: `run-ops` takes an op sequence and returns its history. Returns
  {:valid? bool :seed :num-tests, and when invalid :smallest ops, :history and :results of the smallest
  failing run}. Shrinking stops after shrink-ms: past it every candidate counts as passing, so test.check
  settles on the smallest failure found so far."
  [run-ops {:keys [tests max-ops seed shrink-ms]}]
  (let [shrink-deadline (atom nil)
        smallest (atom nil)
        property (prop/for-all [ops (g/vector crashfs/op-g 1 max-ops)]
                   (if (some-> @shrink-deadline (< (System/currentTimeMillis)))
                     true
                     (let [history (run-ops (concat ops crashfs/final-reads))
                           results (fsmodel/check history)]
                       (or (true? (:valid? results))
                           (do (compare-and-set! shrink-deadline nil (+ (System/currentTimeMillis) shrink-ms))
                               (reset! smallest {:smallest (vec ops) :history history :results results})
                               false)))))
        r (tc/quick-check tests property :max-size max-ops :seed seed)]
    (merge {:valid? (true? (:pass? r)) :seed (:seed r) :num-tests (:num-tests r)}
           (when-not (:pass? r) @smallest))))

(defn- trial-invoker
  "An invoke fn for crashfs over `protocol`, rooted at a fresh directory `dir` of node n1 (created and
  fsynced first, so a crash never loses it). After an :info (a crash, or a lost reply) it reconnects."
  [cluster protocol dir]
  (let [connect #(tree/connect cluster protocol (first (:nodes cluster)))
        root (connect)]
    (try (tree/mkdir! root [dir])
         (tree/fsync! root [])
         (finally (tree/close! root)))
    (let [open! #(let [t (connect)] (try (tree/subtree t dir) (catch Exception e (tree/close! t) (throw e))))
          t (atom (open!))]
      (fn [op]
        (let [done (try (crashfs/invoke cluster @t op)
                        (catch Exception e {:type :info :error [:exception (str e)]}))]
          (when (= :info (:type done))
            (tree/close! @t)
            (reset! t (open!)))
          done)))))

(defn- write-run! [store {:keys [history results]}]
  (let [dir (io/file store "crashfs-quickcheck"
                     (.format (java.text.SimpleDateFormat. "yyyyMMdd'T'HHmmss.SSS") (java.util.Date.)))
        rec (h/recorder (io/file dir "history.edn"))]
    (try (doseq [op history] (h/record! rec op)) (finally (h/close! rec)))
    (spit (io/file dir "results.edn") (with-out-str (pprint/pprint results)))
    dir))

(defn run!
  "Starts one Cairn node, quick-checks against it, prints the outcome; true when no failure was found."
  [{:keys [jar store protocol] :as opts}]
  (let [cluster (db/cluster {:nodes ["n1"] :dir (io/file store "clusters" (str "crashfs-quickcheck-" (name protocol) "-" (System/currentTimeMillis)))
                             :jar (.getAbsolutePath (io/file jar))})
        trial (atom 0)]
    (try
      (db/setup! cluster)
      (db/await-leader cluster 600000)
      (let [r (search (fn [ops] (run-sequence (trial-invoker cluster protocol (str "t" (swap! trial inc))) ops)) opts)]
        (println "quickcheck:" (if (:valid? r) "no failure" "FAILED") "after" (:num-tests r) "sequences,"
                 @trial "runs, seed" (:seed r))
        (when-not (:valid? r)
          (println "smallest failing sequence:")
          (pprint/pprint (:smallest r))
          (println "store:" (.getPath (write-run! store r))))
        (:valid? r))
      (finally (db/teardown! cluster)))))

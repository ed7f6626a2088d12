(ns cairn.jepsen.core
  "The runner: worker threads with Jepsen's process numbering (a process that ends :info is retired and
  replaced by process + concurrency), a nemesis thread, op timeouts, phases (main, heal, quiescence, final
  reads), a streaming history.edn, results.edn and plots under store/<name>/<time>/."
  (:refer-clojure :exclude [run!])
  (:require [cairn.jepsen.history :as h]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.report :as report]
            [clojure.java.io :as io]
            [clojure.pprint :as pprint])
  (:import (java.util.concurrent TimeUnit TimeoutException Future Executors)))

(defprotocol Client
  (open-client [c test node] "A connected client for one worker; returns a new Client.")
  (invoke! [c test op] "Performs op; returns the completion (:ok, :fail with :error, or :info).")
  (close-client [c test]))

(defprotocol Nemesis
  (nemesis-invoke! [n test op] "Performs a fault op; returns its completion :value.")
  (teardown! [n test] "Heals everything."))

(defn- now-ns [test] (- (System/nanoTime) (:start-ns test)))

(defn- wait-until [test at]
  (when at (let [ms (quot (- at (now-ns test)) 1000000)] (when (pos? ms) (Thread/sleep ms)))))

(defn- ask
  "Asks gen (shared by several threads) for an op; waits while it says :pending; nil when exhausted."
  [test lock g process]
  (loop []
    (let [op (locking lock (gen/next-op g {:time (now-ns test) :process process}))]
      (if (= :pending op) (do (Thread/sleep 10) (recur)) op))))

(defn- run-op
  "Invokes op with a timeout; anything other than a clean completion is :info (it may have happened)."
  [test client op]
  (let [exec (:executor test)
        ^Future f (.submit exec ^Callable (fn [] (invoke! client test op)))]
    (try (let [done (.get f (long (get (:op-timeouts-ms test) (:f op) (:op-timeout-ms test 10000))) TimeUnit/MILLISECONDS)]
           (merge op done))
         (catch TimeoutException _ (.cancel f true) (assoc op :type :info :error :timeout))
         (catch java.util.concurrent.ExecutionException e
           (assoc op :type :info :error [:exception (str (.getCause e))])))))

(defn- connect
  "A client for `process`, retrying while its node is down or restarting (up to :connect-timeout-ms)."
  [test process]
  (let [node (nth (:nodes test) (mod process (count (:nodes test))))
        deadline (+ (System/currentTimeMillis) (:connect-timeout-ms test 90000))]
    (loop []
      (let [c (try (open-client (:client test) test node)
                   (catch Exception e (if (> (System/currentTimeMillis) deadline) (throw e) ::retry)))]
        (if (= ::retry c) (do (Thread/sleep 200) (recur)) c)))))

(defn- worker [test rec lock g idx]
  (loop [process idx, client (connect test idx)]
    (if-let [op (ask test lock g process)]
      (if (= :sleep (:type op))
        (do (Thread/sleep (long (* 1000 (:value op)))) (recur process client))
        (do (wait-until test (:at op))
            (let [inv (h/record! rec (-> op (dissoc :at) (assoc :type :invoke :process process)))
                  done (run-op test client (dissoc inv :index :time))
                  done (h/record! rec (dissoc done :index :time :at))]
              (if (= :info (:type done))
                (do (try (close-client client test) (catch Exception _))
                    (let [p (+ process (:concurrency test))]
                      (recur p (connect test p))))
                (recur process client)))))
      (close-client client test))))

(defn- nemesis-loop [test rec g]
  (loop []
    (when-let [op (ask test (Object.) g :nemesis)]
      (if (= :sleep (:type op))
        (Thread/sleep (long (* 1000 (:value op))))
        (do (wait-until test (:at op))
            (let [inv (h/record! rec (-> op (dissoc :at) (assoc :type :info :process :nemesis)))
                  v (try (nemesis-invoke! (:nemesis test) test (dissoc inv :index :time))
                         (catch Exception e [:error (str e)]))]
              (h/record! rec (assoc (dissoc inv :index :time) :value v)))))
      (recur))))

(defn- run-phase
  "Runs client gen on `concurrency` workers and nemesis gen on the nemesis thread until both are done."
  [test rec client-gen nemesis-gen]
  (let [lock (Object.)
        workers (doall (for [i (range (:concurrency test))]
                         (Thread/startVirtualThread #(worker test rec lock client-gen i))))
        nem (Thread/startVirtualThread #(nemesis-loop test rec nemesis-gen))]
    (doseq [^Thread t (conj (vec workers) nem)] (.join t))))

(defn run!
  "Runs a test map and returns it with :results. Keys: :name :nodes :concurrency :client :nemesis
  :generator :nemesis-generator :final-generator :checker (fn [test history] results) :db (start!/stop!)
  :quiescence-s :store-dir."
  [test]
  (let [dir (io/file (:store-dir test "store") (:name test)
                     (.format (java.text.SimpleDateFormat. "yyyyMMdd'T'HHmmss.SSS") (java.util.Date.)))
        test (assoc test :start-ns (System/nanoTime) :dir dir
                    :executor (Executors/newVirtualThreadPerTaskExecutor))
        rec (h/recorder (io/file dir "history.edn") (:start-ns test))]
    (.mkdirs dir)
    (try
      (when-let [setup (:setup! test)] (setup test))
      (run-phase test rec (:generator test) (:nemesis-generator test))
      ;; a heal that fails (say no leader in time) is recorded; the final reads and the checker still run
      (h/record! rec {:type :info :process :nemesis :f :heal
                      :value (try (teardown! (:nemesis test) test) :healed
                                  (catch Exception e [:heal-failed (str e)]))})
      (Thread/sleep (long (* 1000 (:quiescence-s test 5))))
      (when-let [g (:final-generator test)] (run-phase test rec g nil))
      (finally
        (h/close! rec)
        (when-let [td (:teardown! test)] (try (td test) (catch Exception e (println "teardown failed:" e))))))
    (let [history (h/read-history (io/file dir "history.edn")) ; streamed only, read back once for the checker
          results ((:checker test) test history)]
      (spit (io/file dir "results.edn") (with-out-str (pprint/pprint results)))
      (report/write! dir test history results)
      (report/index! (io/file (:store-dir test "store")))
      (let [latest (.toPath (io/file (:store-dir test "store") "latest"))]
        (java.nio.file.Files/deleteIfExists latest)
        (java.nio.file.Files/createSymbolicLink latest (.toAbsolutePath (.toPath dir)) (make-array java.nio.file.attribute.FileAttribute 0)))
      (assoc test :results results :history history))))

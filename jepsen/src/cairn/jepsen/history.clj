(ns cairn.jepsen.history
  "Jepsen-compatible histories: one EDN op map per line, dense :index, :time in ns from one monotonic
  clock, keys printed in Jepsen's order (index time type process f value, then extras)."
  (:require [clojure.edn :as edn]
            [clojure.java.io :as io]))

(def ^:private key-order [:index :time :type :process :f :value])

(defn op->edn
  "Prints an op map readably with Jepsen's key order and no print-length truncation."
  [op]
  (binding [*print-length* nil *print-level* nil *print-namespace-maps* false]
    (let [extras (sort-by str (remove (set key-order) (keys op)))
          ks (concat (filter #(contains? op %) key-order) extras)]
      (str "{" (apply str (interpose ", " (map #(str (pr-str %) " " (pr-str (get op %))) ks))) "}"))))

(defprotocol Recorder
  (record! [r op] "Appends an op (assigning :index and :time) to the file; returns the completed op.")
  (close! [r]))

(defn recorder
  "A thread-safe recorder streaming to `file`; it keeps only the next index in memory (the checker reads the
  file back). Times are ns since `start-ns`."
  ([file] (recorder file (System/nanoTime)))
  ([file start-ns]
   (io/make-parents file)
   (let [w (io/writer file)
         next-index (long-array 1)
         lock (Object.)]
     (reify Recorder
       (record! [_ op]
         (locking lock
           (let [i (aget next-index 0)
                 op (assoc op :index i :time (or (:time op) (- (System/nanoTime) start-ns)))]
             (aset next-index 0 (inc i))
             (.write w (str (op->edn op) "\n"))
             (.flush w)
             op)))
       (close! [_] (.close w))))))

(defn read-history
  "Reads a history.edn file into a vector of op maps."
  [file]
  (with-open [r (io/reader file)]
    (into [] (comp (remove clojure.string/blank?) (map edn/read-string)) (line-seq r))))

(defn client-op? [op] (integer? (:process op)))

(defn pairs
  "Pairs each client :invoke with its completion (or nil when none came). Returns [[invoke completion] ...]."
  [history]
  (loop [ops history, open {}, out []]
    (if-let [op (first ops)]
      (if-not (client-op? op)
        (recur (rest ops) open out)
        (case (:type op)
          :invoke (recur (rest ops) (assoc open (:process op) (count out)) (conj out [op nil]))
          (if-let [i (get open (:process op))]
            (recur (rest ops) (dissoc open (:process op)) (assoc-in out [i 1] op))
            (recur (rest ops) open out))))
      out)))

(defn completions
  "The completed ops of type `t`."
  [history t]
  (filter #(and (client-op? %) (= t (:type %))) history))

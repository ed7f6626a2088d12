(ns cairn.jepsen.report
  "Pictures Jepsen users expect, as SVG: latency over time (each op a point coloured by outcome) and
  throughput over time, with nemesis intervals shaded; and store/index.html listing runs with validity,
  anomalies and plots."
  (:require [cairn.jepsen.history :as h]
            [clojure.edn :as edn]
            [clojure.java.io :as io]
            [clojure.string :as str]))

(def ^:private W 900) (def ^:private H 300) (def ^:private pad 50)
(def ^:private colours {:ok "#2a9d3f" :fail "#d62728" :info "#ff9f1c"})

(defn- nemesis-intervals
  "[start-ns end-ns f] for each fault, from a nemesis op that is not a heal to the next heal-like op."
  [history end]
  (let [nem (filter #(= :nemesis (:process %)) history)
        starts-heal? #(#{:heal :stop :resume :restart :stop-partition :stop-s3} (:f %))]
    (loop [ops nem, open nil, out []]
      (if-let [op (first ops)]
        (cond (and (nil? open) (not (starts-heal? op))) (recur (rest ops) op out)
              (and open (starts-heal? op)) (recur (rest ops) nil (conj out [(:time open) (:time op) (:f open)]))
              :else (recur (rest ops) open out))
        (cond-> out open (conj [(:time open) end (:f open)]))))))

(defn- svg [title body x-max y-label]
  (str "<svg xmlns='http://www.w3.org/2000/svg' width='" W "' height='" H "' font-family='sans-serif' font-size='11'>"
       "<rect width='100%' height='100%' fill='white'/>"
       "<text x='" pad "' y='16' font-size='13'>" title "</text>"
       body
       "<line x1='" pad "' y1='" (- H pad) "' x2='" (- W 10) "' y2='" (- H pad) "' stroke='black'/>"
       "<line x1='" pad "' y1='30' x2='" pad "' y2='" (- H pad) "' stroke='black'/>"
       "<text x='" (/ W 2) "' y='" (- H 15) "'>time (s), 0 .. " (format "%.1f" (/ x-max 1e9)) "</text>"
       "<text x='5' y='" (/ H 2) "' transform='rotate(-90 12," (/ H 2) ")'>" y-label "</text></svg>"))

(defn- x-of [t x-max] (+ pad (* (- W pad 10) (/ (double t) (max 1 x-max)))))

(defn- shading [history x-max]
  (apply str (for [[s e f] (nemesis-intervals history x-max)]
               (str "<rect x='" (x-of s x-max) "' y='30' width='" (max 1 (- (x-of e x-max) (x-of s x-max)))
                    "' height='" (- H pad 30) "' fill='#999' fill-opacity='0.2'><title>" (name f) "</title></rect>"))))

(defn latency-svg [history]
  (let [pairs (filter second (h/pairs history))
        x-max (reduce max 1 (map :time history))
        lat (fn [[i d]] (max 1e-3 (/ (- (:time d) (:time i)) 1e6)))
        y-max (Math/log10 (reduce max 10 (map lat pairs)))
        y-of (fn [ms] (- (- H pad) (* (- H pad 30) (/ (+ 3 (Math/log10 ms)) (+ 3 y-max)))))]
    (svg "latency (ms, log scale) by outcome"
         (str (shading history x-max)
              (apply str (for [[i d :as p] pairs]
                           (str "<circle cx='" (format "%.1f" (x-of (:time i) x-max)) "' cy='" (format "%.1f" (y-of (lat p)))
                                "' r='1.6' fill='" (colours (:type d)) "'/>"))))
         x-max "latency ms")))

(defn throughput-svg [history]
  (let [x-max (reduce max 1 (map :time history))
        bucket (max 1 (quot x-max 60))
        counts (frequencies (for [op (h/completions history :ok)] (quot (:time op) bucket)))
        per-s (fn [n] (/ n (/ bucket 1e9)))
        y-max (reduce max 1 (map per-s (vals counts)))]
    (svg "throughput (ok ops/s)"
         (str (shading history x-max)
              "<polyline fill='none' stroke='#1f77b4' points='"
              (str/join " " (for [b (range 0 (inc (quot x-max bucket)))]
                              (format "%.1f,%.1f" (x-of (* b bucket) x-max)
                                      (- (- H pad) (* (- H pad 30) (/ (per-s (get counts b 0)) y-max))))))
              "'/>")
         x-max (str "ops/s (max " (format "%.0f" (double y-max)) ")"))))

(defn write! [dir test history results]
  (spit (io/file dir "latency.svg") (latency-svg history))
  (spit (io/file dir "throughput.svg") (throughput-svg history)))

(defn index!
  "Writes store/index.html: one row per run with validity, anomalies and links to plots."
  [store]
  (let [runs (->> (file-seq store) (filter #(= "results.edn" (.getName %))) (sort-by #(.getPath %)) reverse)
        rows (for [f runs
                   :let [dir (.getParentFile f)
                         rel (str (.relativize (.toPath store) (.toPath dir)))
                         r (try (edn/read-string (slurp f)) (catch Exception _ {:valid? :unreadable}))
                         v (:valid? r)]]
               (str "<tr><td><a href='" rel "/history.edn'>" rel "</a></td>"
                    "<td style='color:" (case v true "green" false "red" "orange") "'>" v "</td>"
                    "<td>" (str/escape (pr-str (or (:anomaly-types r) (keys (dissoc r :valid?)))) {\< "&lt;" \> "&gt;"}) "</td>"
                    "<td><a href='" rel "/latency.svg'><img src='" rel "/latency.svg' width='300'/></a></td>"
                    "<td><a href='" rel "/throughput.svg'><img src='" rel "/throughput.svg' width='300'/></a></td></tr>"))]
    (spit (io/file store "index.html")
          (str "<html><head><title>Cairn Jepsen runs</title></head><body><h1>Cairn Jepsen runs</h1>"
               "<table border='1' cellpadding='4'><tr><th>run</th><th>valid?</th><th>anomalies / checkers</th>"
               "<th>latency</th><th>throughput</th></tr>" (apply str rows) "</table></body></html>"))))

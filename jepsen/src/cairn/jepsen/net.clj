(ns cairn.jepsen.net
  "Network partitions for clusters whose nodes live in network namespaces (made by jepsen/net/up.sh).
  A grudge is Jepsen's: a map from a node to the set of nodes it drops traffic from. \"s3\" is a node too
  (the S3 server's namespace). A grudge is applied as one nft table per receiving namespace
  (`table inet cairn_jepsen`, input hook, `ip saddr {..} drop`) and healed by deleting those tables.
  The control JVM's own namespace is never in a grudge: clients reach every node, so a deposed leader can
  still be asked (stale reads are observable)."
  (:require [clojure.set :as set]
            [clojure.string :as str]))

;; ---- grudges (pure) ---------------------------------------------------------------------------------

(defn majority [n] (inc (quot n 2)))

(defn complete-grudge
  "Components cannot talk to each other: every node drops every node outside its own component."
  [components]
  (let [universe (set (apply concat components))]
    (into {} (for [c components, n c] [n (set/difference universe (set c))]))))

(defn isolate
  "`node` and the rest of `nodes` cannot talk to each other."
  [node nodes]
  (complete-grudge [[node] (remove #{node} nodes)]))

(defn bisect
  "A random minority cut off from the majority (`shuffled` is the nodes in a random order)."
  [shuffled]
  (let [m (majority (count shuffled))]
    (complete-grudge [(take m shuffled) (drop m shuffled)])))

(defn majorities-ring
  "Every node sees a majority (itself included), but no two nodes see the same majority: for each window of
  `majority` consecutive nodes of the ring `shuffled`, its middle node drops everyone outside the window."
  [shuffled]
  (let [n (count shuffled)
        m (majority n)
        ring (vec shuffled)]
    (into {} (for [i (range n)
                   :let [window (set (for [j (range m)] (ring (mod (+ i j) n))))
                         middle (ring (mod (+ i (quot m 2)) n))]]
               [middle (set/difference (set ring) window)]))))

(defn grudge
  "The grudge for a partition `spec` on `nodes` (the servers) with the current `leader` (or nil):
  :leader       the leader cut from the other servers (not from S3 or clients)
  :one          a random server cut from the other servers
  :majority     a random minority of servers cut from the majority
  :majorities-ring  every server sees a different majority
  :leader-s3    the leader cut from S3 only (still talks to its peers and clients)"
  [spec nodes leader]
  (let [leader (or leader (rand-nth nodes))]
    (case spec
      :leader (isolate leader nodes)
      :one (isolate (rand-nth nodes) nodes)
      :majority (bisect (shuffle nodes))
      :majorities-ring (majorities-ring (shuffle nodes))
      :leader-s3 {leader #{"s3"}, "s3" #{leader}})))

;; ---- applying a grudge with nft inside each namespace ----------------------------------------------

(def ^:private table "cairn_jepsen")

(defn nft-script
  "The nft script that makes a namespace drop traffic from `addresses`."
  [addresses]
  (str "table inet " table " {\n"
       "  chain input {\n    type filter hook input priority 0; policy accept;\n"
       "    ip saddr { " (str/join ", " (sort addresses)) " } drop\n  }\n}\n"))

(defn- sh!
  "Runs argv with optional stdin; returns {:exit :out}."
  [argv stdin]
  (let [p (-> (ProcessBuilder. ^java.util.List argv) (.redirectErrorStream true) (.start))]
    (with-open [w (clojure.java.io/writer (.getOutputStream p))] (when stdin (.write w ^String stdin)))
    (let [out (slurp (.getInputStream p))]
      {:exit (.waitFor p) :out out})))

(defn in-namespace
  "argv run inside network namespace `ns`."
  [ns argv]
  (into ["ip" "netns" "exec" ns] argv))

(defn apply-grudge!
  "Installs `g` (node -> nodes to drop) using `host-of` (node -> IPv4) and `ns-of` (node -> namespace).
  Returns g with addresses, as recorded in the history."
  [g host-of ns-of]
  (doseq [[node enemies] g :when (seq enemies)]
    (let [{:keys [exit out]} (sh! (in-namespace (ns-of node) ["nft" "-f" "-"]) (nft-script (map host-of enemies)))]
      (when-not (zero? exit) (throw (ex-info "nft failed" {:node node :out out})))))
  g)

(defn heal!
  "Deletes the partition table in every namespace of `nodes` (absent tables are fine)."
  [nodes ns-of]
  (doseq [n nodes]
    (sh! (in-namespace (ns-of n) ["nft" "delete" "table" "inet" table]) nil))
  :network-healed)

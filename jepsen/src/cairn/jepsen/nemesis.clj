(ns cairn.jepsen.nemesis
  "Faults on a local cluster, composed with flip-flop schedules (fault, then its heal, every interval):
  :kill      SIGKILL the leader, later restart every dead node
  :pause     SIGSTOP the leader past the election timeout, later SIGCONT (a zombie leader must not
             acknowledge anything)
  :partition nft drop rules inside the nodes' namespaces (specs in cairn.jepsen.net/grudge), later heal
  :s3        faults injected by the chaos S3 proxy (latency, 503 SlowDown, resets, lost responses, pauses;
             per operation and key prefix), later cleared
  :failover  a planned handover (`cairn failover --to N` on the leader's admin socket) to a random other
             node, every interval; it has nothing to heal, so its 'heal' is the next handover"
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.net :as net])
  (:import (java.net URI)
           (java.net.http HttpClient HttpRequest HttpRequest$BodyPublishers HttpResponse$BodyHandlers)
           (java.time Duration)))

(defn- target [cluster which]
  (case which
    :leader (or (db/leader cluster) (rand-nth (:nodes cluster)))
    :one (rand-nth (:nodes cluster))))

;; ---- S3 faults through the proxy's admin API -------------------------------------------------------

(def s3-faults
  "Named fault sets for the chaos proxy (rule specs of cairn.chaos.s3.FaultRule). Keys are as the proxy
  sees them: vol/<object key>. Each must leave Cairn correct; most cost it only latency and retries."
  {:latency ["kind=latency op=any p=0.5 ms=300"]
   :slowdown ["kind=error op=any p=0.3 status=503"]
   :reset ["kind=reset op=any p=0.2"]
   :lost-wal ["kind=lost-response op=put-if-absent prefix=vol/wal/ p=0.3"]
   :lost-manifest ["kind=lost-response op=put-if-absent prefix=vol/manifest/ p=0.5"
                   "kind=lost-response op=put-if-absent prefix=vol/epoch/ p=0.5"]
   :timeout-get ["kind=timeout op=get p=0.1 ms=3000"]
   :pause :pause})

(def ^:private http (delay (-> (HttpClient/newBuilder) (.connectTimeout (Duration/ofSeconds 5)) (.build))))

(defn- admin!
  "Calls the proxy admin API: method, path, optional body; returns the body or throws."
  [cluster method path body]
  (let [req (-> (HttpRequest/newBuilder (URI. (str "http://" (db/s3-admin cluster) path)))
                (.timeout (Duration/ofSeconds 10))
                (.method method (if body (HttpRequest$BodyPublishers/ofString body) (HttpRequest$BodyPublishers/noBody)))
                (.build))
        r (.send ^HttpClient @http req (HttpResponse$BodyHandlers/ofString))]
    (when-not (= 200 (.statusCode r)) (throw (ex-info "chaos admin refused" {:path path :body (.body r)})))
    (.body r)))

(defn- start-s3-fault! [cluster which]
  (let [rules (s3-faults which)]
    (if (= :pause rules)
      (admin! cluster "POST" "/pause" nil)
      (doseq [r rules] (admin! cluster "POST" "/faults" r)))
    [:s3 which]))

(defn- stop-s3-faults! [cluster]
  (admin! cluster "DELETE" "/faults" nil)
  (admin! cluster "POST" "/resume" nil)
  :s3-healed)

;; ---- the nemesis ----------------------------------------------------------------------------------

(defn- partition! [cluster spec]
  (let [g (net/grudge spec (:nodes cluster) (db/leader cluster))]
    (net/apply-grudge! g #(db/host cluster %) #(db/netns-of cluster %))
    [:isolated (into (sorted-map) (update-vals g (comp vec sort)))]))

(defn- hand-over! [cluster]
  (if-let [l (db/leader cluster)]
    (let [to (rand-nth (vec (remove #{l} (:nodes cluster))))]
      {:from l :to to :answer (db/failover! cluster l to)})
    :no-leader))

(defn- heal-network! [cluster]
  (net/heal! (cond-> (:nodes cluster) (:s3? cluster) (conj "s3")) #(db/netns-of cluster %)))

(defn nemesis
  "Handles :kill / :restart / :pause / :resume (value :leader, :one or :all), :start-partition (value a
  grudge spec) / :stop-partition, :start-s3 (value a key of `s3-faults`) / :stop-s3, :failover."
  [cluster]
  (let [paused (atom #{})]
    (reify core/Nemesis
      (nemesis-invoke! [_ _ {:keys [f value]}]
        (let [nodes (delay (if (= :all value) (:nodes cluster) [(target cluster value)]))]
          (case f
            :kill (into {} (for [n @nodes] [n (db/kill! cluster n)]))
            :restart (into {} (for [n (:nodes cluster)] [n (db/restart! cluster n)]))
            :pause (into {} (for [n @nodes] (do (swap! paused conj n) [n (db/pause! cluster n)])))
            :resume (into {} (for [n @paused] (do (swap! paused disj n) [n (db/resume! cluster n)])))
            :start-partition (partition! cluster value)
            :stop-partition (heal-network! cluster)
            :start-s3 (start-s3-fault! cluster value)
            :stop-s3 (stop-s3-faults! cluster)
            :failover (hand-over! cluster))))
      (teardown! [_ _]
        (when (:netns cluster) (heal-network! cluster))
        (when (:s3? cluster) (stop-s3-faults! cluster))
        (doseq [n @paused] (db/resume! cluster n))
        (reset! paused #{})
        (doseq [n (:nodes cluster)] (db/restart! cluster n))
        (db/await-leader cluster 300000)))))

(def partition-specs
  "Partition specs drawn by the generator; :leader-s3 only when the bucket is an S3 server."
  [:leader :one :majority :majorities-ring :leader-s3])

(defn generator
  "Alternates a fault and its heal every interval-s seconds, drawing among `faults` (#{:kill :pause
  :partition :s3 :failover}); `partitions` and `s3-fault-names` are the specs to draw from."
  [faults interval-s {:keys [partitions s3-fault-names]
                      :or {partitions partition-specs s3-fault-names (keys s3-faults)}}]
  (let [starts (cond-> []
                 (faults :kill) (conj (fn [] {:f :kill :value :leader}))
                 (faults :pause) (conj (fn [] {:f :pause :value :leader}))
                 (faults :partition) (conj (fn [] {:f :start-partition :value (rand-nth partitions)}))
                 (faults :s3) (conj (fn [] {:f :start-s3 :value (rand-nth s3-fault-names)}))
                 (faults :failover) (conj (fn [] {:f :failover :value :leader})))
        heals {:kill {:f :restart :value :all} :pause {:f :resume :value :all}
               :start-partition {:f :stop-partition :value nil} :start-s3 {:f :stop-s3 :value nil}
               :failover {:f :failover :value :leader}}
        last-fault (atom nil)]
    (when (seq starts)
      (gen/delay* interval-s
                  (gen/flip-flop (gen/repeat* (fn [] (let [op ((rand-nth starts))] (reset! last-fault (:f op)) op)))
                                 (gen/repeat* (fn [] (heals @last-fault))))))))

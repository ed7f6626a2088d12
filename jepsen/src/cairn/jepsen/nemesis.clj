(ns cairn.jepsen.nemesis
  "Faults on a local cluster: kill (SIGKILL then restart), pause (SIGSTOP past the election timeout, then
  SIGCONT: a zombie leader that must not acknowledge anything), composed with flip-flop schedules."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]))

(defn- target [cluster which]
  (case which
    :leader (or (db/leader cluster) (rand-nth (:nodes cluster)))
    :one (rand-nth (:nodes cluster))))

(defn nemesis
  "Handles :kill / :restart / :pause / :resume ops with :value :leader, :one or :all."
  [cluster]
  (let [paused (atom #{})]
    (reify core/Nemesis
      (nemesis-invoke! [_ _ {:keys [f value]}]
        (let [nodes (if (= :all value) (:nodes cluster) [(target cluster value)])]
          (case f
            :kill (into {} (for [n nodes] [n (db/kill! cluster n)]))
            :restart (into {} (for [n (:nodes cluster)] [n (db/restart! cluster n)]))
            :pause (into {} (for [n nodes] (do (swap! paused conj n) [n (db/pause! cluster n)])))
            :resume (into {} (for [n @paused] (do (swap! paused disj n) [n (db/resume! cluster n)]))))))
      (teardown! [_ _]
        (doseq [n @paused] (db/resume! cluster n))
        (reset! paused #{})
        (doseq [n (:nodes cluster)] (db/restart! cluster n))
        (db/await-leader cluster 60000)))))

(defn generator
  "Alternates fault and heal every interval-s seconds, for the faults named in `faults` (#{:kill :pause})."
  [faults interval-s]
  (let [starts (cond-> [] (faults :kill) (conj {:f :kill :value :leader})
                       (faults :pause) (conj {:f :pause :value :leader}))
        heals {:kill {:f :restart :value :all} :pause {:f :resume :value :all}}
        last-fault (atom nil)]
    (if (empty? starts)
      nil
      (gen/delay* interval-s
                  (gen/flip-flop (gen/repeat* (fn [] (let [op (rand-nth starts)] (reset! last-fault (:f op)) op)))
                                 (gen/repeat* (fn [] (heals @last-fault))))))))

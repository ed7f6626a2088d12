(ns cairn.jepsen.checker.honesty
  "fsync must be honest across crashes and failovers: once an fsync of a file succeeded, every write to
  that file acknowledged before it must appear in every later read. An fsync after a crash may fail, but if
  it succeeds the data must be there. With NFS, a COMMIT's write verifier must change across a crash or
  takeover (otherwise the client cannot know to resend).
  Ops: :write [file v] (appends v), :fsync file (completion may carry :verifier), :read file -> [file [v..]],
  nemesis :crash / :failover (:info).")

(defn check [history]
  (loop [ops history, acked {}, durable {}, verifiers [], crashed? false, problems []]
    (if-let [{:keys [f type value] :as op} (first ops)]
      (cond
        (and (#{:crash :failover :kill} f) (= :info type))
        (recur (rest ops) acked durable verifiers true problems)
        (and (= :write f) (= :ok type))
        (let [[file v] value] (recur (rest ops) (update acked file (fnil conj []) v) durable verifiers crashed? problems))
        (and (= :fsync f) (= :ok type))
        (let [vf (:verifier op)
              problems (if (and vf crashed? (= vf (peek verifiers)))
                         (conj problems {:type :verifier-unchanged :op (:index op) :verifier vf})
                         problems)]
          (recur (rest ops) acked (assoc durable value (get acked value [])) (if vf (conj verifiers vf) verifiers)
                 false problems))
        (and (= :read f) (= :ok type))
        (let [[file vs] value
              missing (remove (set vs) (get durable file))]
          (recur (rest ops) acked durable verifiers crashed?
                 (if (seq missing) (conj problems {:type :fsynced-write-lost :op (:index op) :file file :missing (vec missing)})
                     problems)))
        :else (recur (rest ops) acked durable verifiers crashed? problems))
      {:valid? (empty? problems) :problems problems})))

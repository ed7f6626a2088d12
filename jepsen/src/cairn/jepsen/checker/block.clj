(ns cairn.jepsen.checker.block
  "A block-device model: per block, the set of values it may hold. FLUSH makes every block's current value
  durable; FUA makes that one write durable; a crash leaves each block at its durable value or at any value
  written to it since (a disk may persist un-flushed writes in any order). Reads must be explained.")

(defn- block-state [m b] (get m b {:cur #{nil} :durable #{nil} :pending #{}}))

(defn check
  "Ops: :write [b v] (opt. :fua true), :read [b nil] -> [b v], :flush, :crash (any process, :info)."
  [history]
  (loop [ops (filter #(#{:ok :fail :info} (:type %)) history), m {}]
    (if-let [{:keys [f type value] :as op} (first ops)]
      (case f
        :write (let [[b v] value, st (block-state m b)]
                 (case type
                   :ok (recur (rest ops) (assoc m b (if (:fua op)
                                                       {:cur #{v} :durable #{v} :pending #{}}
                                                       (-> st (assoc :cur #{v}) (update :pending conj v)))))
                   :info (recur (rest ops) (assoc m b (-> st (update :cur conj v) (update :pending conj v))))
                   (recur (rest ops) m)))
        :read (if (= :ok type)
                (let [[b v] value, st (block-state m b)]
                  (if (contains? (:cur st) v)
                    (recur (rest ops) (assoc m b (assoc st :cur #{v})))
                    {:valid? false :op op :block b :possible (:cur st)}))
                (recur (rest ops) m))
        :flush (recur (rest ops) (if (= :ok type)
                                   (update-vals m #(assoc % :durable (:cur %) :pending #{}))
                                   m))
        :crash (recur (rest ops) (update-vals m (fn [st] (let [c (into (:durable st) (:pending st))]
                                                           {:cur c :durable c :pending #{}}))))
        (recur (rest ops) m))
      {:valid? true :blocks (count m)})))

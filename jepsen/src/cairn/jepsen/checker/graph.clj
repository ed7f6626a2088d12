(ns cairn.jepsen.checker.graph
  "Directed graphs as {node #{successor}} and Tarjan's strongly connected components.")

(defn add-edge [g a b] (if (= a b) g (update g a (fnil conj #{}) b)))

(defn sccs
  "Strongly connected components with more than one node (each a set), iteratively (no stack overflow)."
  [g]
  (let [nodes (distinct (concat (keys g) (mapcat val g)))
        index (volatile! 0) idx (transient {}) low (transient {}) on (transient #{})
        stack (volatile! []) out (volatile! [])]
    (doseq [root nodes :when (not (contains? idx root))]
      (loop [work [[root (seq (get g root))]]]
        (when-let [[v succs] (peek work)]
          (when-not (contains? idx v)
            (assoc! idx v @index) (assoc! low v @index) (vswap! index inc)
            (vswap! stack conj v) (conj! on v))
          (if-let [w (first succs)]
            (let [work (conj (pop work) [v (next succs)])]
              (cond (not (contains? idx w)) (recur (conj work [w (seq (get g w))]))
                    (contains? on w) (do (assoc! low v (min (low v) (idx w))) (recur work))
                    :else (recur work)))
            (let [work (pop work)]
              (when (= (low v) (idx v))
                (let [s @stack
                      i (.lastIndexOf ^java.util.List s v)
                      comp (subvec s i)]
                  (vswap! stack subvec 0 i)
                  (doseq [x comp] (disj! on x))
                  (when (> (count comp) 1) (vswap! out conj (set comp)))))
              (when-let [[u _] (peek work)] (assoc! low u (min (low u) (low v))))
              (recur work))))))
    @out))

(ns cairn.jepsen.checker.graph
  "Directed graphs as {node #{successor}} and Tarjan's strongly connected components.")

(defn add-edge [g a b] (if (= a b) g (update g a (fnil conj #{}) b)))

(defn sccs
  "Strongly connected components with more than one node (each a set), iteratively (no stack overflow)."
  [g]
  ;; mutable java collections: Tarjan's bookkeeping is updated in place (transients must not be)
  (let [nodes (distinct (concat (keys g) (mapcat val g)))
        index (volatile! 0)
        idx (java.util.HashMap.) low (java.util.HashMap.) on (java.util.HashSet.)
        stack (volatile! []) out (volatile! [])]
    (doseq [root nodes :when (not (.containsKey idx root))]
      (loop [work [[root (seq (get g root))]]]
        (when-let [[v succs] (peek work)]
          (when-not (.containsKey idx v)
            (.put idx v @index) (.put low v @index) (vswap! index inc)
            (vswap! stack conj v) (.add on v))
          (if-let [w (first succs)]
            (let [work (conj (pop work) [v (next succs)])]
              (cond (not (.containsKey idx w)) (recur (conj work [w (seq (get g w))]))
                    (.contains on w) (do (.put low v (min (.get low v) (.get idx w))) (recur work))
                    :else (recur work)))
            (let [work (pop work)]
              (when (= (.get low v) (.get idx v))
                (let [s @stack
                      i (.lastIndexOf ^java.util.List s v)
                      comp (subvec s i)]
                  (vswap! stack subvec 0 i)
                  (doseq [x comp] (.remove on x))
                  (when (> (count comp) 1) (vswap! out conj (set comp)))))
              (when-let [[u _] (peek work)] (.put low u (min (.get low u) (.get low v))))
              (recur work))))))
    @out))

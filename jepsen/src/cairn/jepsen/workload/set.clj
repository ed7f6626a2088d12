(ns cairn.jepsen.workload.set
  "Set over NFS: adding v creates the file s<v> (GUARDED) and COMMITs it (a barrier) before the ack; the final
  read lists the directory. Checked by set-full: every acknowledged element must be in every later read."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.db :as db]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.nfs :as nfs]
            [cairn.jepsen.checker.set-full :as set-full])
  (:import (cairn.protocols.nfs Nfs3)
           (cairn.engine.fs SetAttr)
           (cairn.protocols.nfs.client NfsClient)))

(defrecord Client [cluster held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (nfs/with-leader [conn cluster held]
      (fn [e] (if (= :read (:f op)) {:type :fail :error (str e)} {:type :info :error (str e)}))
      (let [^NfsClient c (:client conn)]
        (do
          (case (:f op)
            :add (let [fh (.fh (.create c (:root conn) (str "s" (:value op)) Nfs3/GUARDED SetAttr/NONE))]
                   (nfs/commit! conn fh)
                   {:type :ok})
            :read {:type :ok :value (->> (.listAll c (:root conn)) (map #(.name %))
                                         (keep #(when (re-matches #"s\d+" %) (Long/parseLong (subs % 1))))
                                         sort vec)})))))
  (close-client [_ _] (nfs/drop-conn! held)))

(defn workload [{:keys [cluster]}]
  (let [counter (atom 0)]
    {:client (->Client cluster nil)
     :generator (gen/repeat* (fn [] {:f :add :value (swap! counter inc)}))
     ;; several final reads, 2 s apart: one may meet no leader yet right after the heal
     :final-generator (gen/delay* 2 (gen/limit 5 (gen/repeat* (fn [] {:f :read :value nil}))))
     :checker (fn [_ history] (set-full/check history))}))

(ns cairn.jepsen.workload.set
  "Set over NFS or 9P: adding v creates the file s<v> exclusively (NFS GUARDED + COMMIT, 9P O_EXCL +
  Tfsync) before the ack; the final read lists the directory. Checked by set-full: every acknowledged
  element must be in every later read."
  (:require [cairn.jepsen.core :as core]
            [cairn.jepsen.files :as files]
            [cairn.jepsen.gen :as gen]
            [cairn.jepsen.checker.set-full :as set-full]))

(defrecord Client [cluster protocol held]
  core/Client
  (open-client [this _ _] (assoc this :held (atom nil)))
  (invoke! [_ _ op]
    (files/with-leader [conn cluster protocol held]
      (fn [e] (if (= :read (:f op)) {:type :fail :error (str e)} {:type :info :error (str e)}))
      (case (:f op)
        :add (do (files/create-new! conn (str "s" (:value op))) {:type :ok})
        :read {:type :ok :value (->> (files/list-names conn)
                                     (keep #(when (re-matches #"s\d+" %) (Long/parseLong (subs % 1))))
                                     sort vec)})))
  (close-client [_ _] (files/drop-files! held)))

(defn workload [{:keys [cluster protocol] :or {protocol :nfs}}]
  (let [counter (atom 0)]
    {:client (->Client cluster protocol nil)
     :generator (gen/repeat* (fn [] {:f :add :value (swap! counter inc)}))
     ;; several final reads, 2 s apart: one may meet no leader yet right after the heal
     :final-generator (gen/delay* 2 (gen/limit 5 (gen/repeat* (fn [] {:f :read :value nil}))))
     :checker (fn [_ history] (set-full/check history))}))

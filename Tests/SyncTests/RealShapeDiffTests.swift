import Kube
import Sync
import Testing

/// The guestbook from argocd-example-apps, compared with its live objects exactly as kube-apiserver 1.25
/// returns them after Capstan's server-side apply: defaulted fields, `creationTimestamp: null` in the pod
/// template, and managedFields in the real server's vocabulary: an atomic `f:selector` leaf, Service ports
/// keyed by port and the defaulted protocol. These shapes made a synced app show OutOfSync for ever.
@Suite struct RealShapeDiffTests {
    static let service = KubeObject(
        try! YAML.parse(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: guestbook-ui, namespace: guestbook}
            spec:
              ports: [{port: 80, targetPort: 80}]
              selector: {app: guestbook-ui}
            """))

    static let deployment = KubeObject(
        try! YAML.parse(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: guestbook-ui, namespace: guestbook}
            spec:
              replicas: 1
              revisionHistoryLimit: 3
              selector: {matchLabels: {app: guestbook-ui}}
              template:
                metadata: {labels: {app: guestbook-ui}}
                spec:
                  containers:
                  - {name: guestbook-ui, image: gcr.io/heptio-images/ks-guestbook-demo:0.2, ports: [{containerPort: 80}]}
            """))

    /// The Service as the real server returns it (a list item, so without kind and apiVersion; the client
    /// fills them in from the list).
    static let liveService = KubeObject(
        try! JSON.parse(
            #"""
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"guestbook-ui","namespace":"guestbook",
             "uid":"5b1c","resourceVersion":"1201","creationTimestamp":"2026-11-30T21:10:00Z",
             "managedFields":[{"manager":"capstan","operation":"Apply","apiVersion":"v1","time":"2026-11-30T21:10:00Z",
               "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{
               ".":{},"f:port":{},"f:targetPort":{}}},"f:selector":{}}}}]},
             "spec":{"ports":[{"protocol":"TCP","port":80,"targetPort":80}],"selector":{"app":"guestbook-ui"},
              "clusterIP":"10.43.12.7","clusterIPs":["10.43.12.7"],"type":"ClusterIP","sessionAffinity":"None",
              "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","internalTrafficPolicy":"Cluster"},
             "status":{"loadBalancer":{}}}
            """#))

    static let liveDeployment = KubeObject(
        try! JSON.parse(
            #"""
            {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"guestbook-ui","namespace":"guestbook",
             "uid":"9f2e","resourceVersion":"1240","generation":1,"creationTimestamp":"2026-11-30T21:10:00Z",
             "annotations":{"deployment.kubernetes.io/revision":"1"},
             "managedFields":[{"manager":"capstan","operation":"Apply","apiVersion":"apps/v1",
               "time":"2026-11-30T21:10:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},
               "f:revisionHistoryLimit":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
               "f:spec":{"f:containers":{"k:{\"name\":\"guestbook-ui\"}":{".":{},"f:image":{},"f:name":{},
               "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}},
              {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1",
               "time":"2026-11-30T21:10:04Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{
               ".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:replicas":{}}},
               "subresource":"status"}]},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"guestbook-ui"}},
              "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"guestbook-ui"}},
               "spec":{"containers":[{"name":"guestbook-ui","image":"gcr.io/heptio-images/ks-guestbook-demo:0.2",
                "ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},
                "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,
                "dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
              "revisionHistoryLimit":3,"progressDeadlineSeconds":600},
             "status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,
              "availableReplicas":1}}
            """#))

    @Test func guestbookStaysSyncedAgainstRealShapes() {
        let service = ResourceDiff.compare(desired: Self.service, live: Self.liveService)
        #expect(!service.differs, "\(service.render(for: ResourceKey(Self.service)))")
        let deployment = ResourceDiff.compare(desired: Self.deployment, live: Self.liveDeployment)
        #expect(!deployment.differs, "\(deployment.render(for: ResourceKey(Self.deployment)))")
    }

    @Test func realShapesStillShowDrift() {
        var edited = Self.liveService
        edited.json[path: ["spec", "ports"]] = [["protocol": "TCP", "port": 8080, "targetPort": 80]]
        edited.json[path: ["spec", "selector"]] = ["app": "other"]
        let diff = ResourceDiff.compare(desired: Self.service, live: edited)
        #expect(Set(diff.changes.map(\.path)) == ["spec.ports[port=80,protocol=TCP]", "spec.selector"])
        // Git drops the port: the port Capstan applied and still owns is drift, since applying removes it.
        var noPorts = Self.service
        noPorts.json[path: ["spec", "ports"]] = nil
        let dropped = ResourceDiff.compare(desired: noPorts, live: Self.liveService)
        #expect(dropped.changes.map(\.path) == ["spec.ports[port=80,protocol=TCP]"])
    }

    /// The embedded cluster records ownership in the same vocabulary as kube-apiserver.
    @Test func fieldSetUsesTheServersKeys() {
        let paths = FieldSet(of: Self.deployment.json).paths
        #expect(paths.contains(["f:spec", "f:selector"]))
        let port = #"k:{"containerPort":80,"protocol":"TCP"}"#
        #expect(
            paths.contains([
                "f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"guestbook-ui"}"#, "f:ports", port, ".",
            ]))
        let service = FieldSet(of: Self.liveService.json).paths
        #expect(service.contains(["f:spec", "f:ports", #"k:{"port":80,"protocol":"TCP"}"#, "f:targetPort"]))
        #expect(FieldSet(fieldsV1: Self.liveService.managedFields[0]["fieldsV1"]!).paths.isSubset(of: service))
    }
}

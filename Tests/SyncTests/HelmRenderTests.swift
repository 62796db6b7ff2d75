import Foundation
import Kube
import Testing

@testable import Sync

/// Charts render through real Helm (helm-c's `libhelm_c.so`), with the Application's release name, value
/// files (including Argo CD's multi-source `$ref/path`), inline values and parameters composed as
/// `helm template` composes them.
@Suite struct HelmRenderTests {
    static let chart = SourceTree(
        files: [
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            "charts/web/values.yaml": "replicas: 1\nport: 80\nlabels: {tier: web}\nremoved: default\n",
            "charts/web/values-prod.yaml": "replicas: 2\n",
            "charts/web/crds/widget.yaml": """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            """,
            "charts/web/templates/_helpers.tpl": #"{{- define "web.name" -}}{{ .Release.Name }}-web{{- end }}"#,
            "charts/web/templates/cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ include "web.name" . }}
              namespace: {{ .Release.Namespace }}
            data:
              replicas: {{ .Values.replicas | quote }}
              port: {{ .Values.port | quote }}
              portType: {{ kindOf .Values.port }}
              greeting: {{ .Values.greeting | default "none" | quote }}
              tier: {{ .Values.labels.tier | quote }}
              removed: {{ .Values.removed | default "gone" }}
            """,
            "charts/web/templates/NOTES.txt": "Thanks for installing {{ .Release.Name }}.\n",
            "charts/web/templates/tests/test.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: web-test, annotations: {helm.sh/hook: test}}
            spec: {containers: [{name: t, image: busybox}]}
            """,
        ].mapValues { Array($0.utf8) }, root: "charts/web")

    func render(_ helm: JSON, references: [String: [String: [UInt8]]] = [:]) throws -> [KubeObject] {
        try HelmRenderer(options: helm, appName: "web", namespace: "prod", references: references).render(Self.chart)
    }

    @Test func valuesComposeAsHelmTemplateComposesThem() throws {
        let objects = try render(
            [
                "releaseName": "site", "valueFiles": ["values-prod.yaml", "$values/env/prod.yaml"],
                "valuesObject": ["greeting": "hi", "removed": .null],
                "parameters": [
                    ["name": "labels.tier", "value": "front,end"],
                    ["name": "port", "value": "8080", "forceString": true],
                ],
            ], references: ["values": ["env/prod.yaml": Array("replicas: 3\n".utf8)]])
        #expect(objects.map(\.kind) == ["CustomResourceDefinition", "ConfigMap"])
        let cm = objects[1]
        #expect(cm.name == "site-web" && cm.namespace == "prod")
        #expect(
            cm.json["data"]
                == [
                    "replicas": "3", "port": "8080", "portType": "string", "greeting": "hi", "tier": "front,end",
                    "removed": "gone",
                ])
    }

    @Test func defaultsApplyWithoutOptions() throws {
        let cm = try #require(try render(.null).first { $0.kind == "ConfigMap" })
        #expect(cm.name == "web-web")
        #expect(cm.json[path: ["data", "replicas"]] == "1" && cm.json[path: ["data", "portType"]] == "float64")
    }

    @Test func missingAndRemoteValueFilesAndTemplateErrorsAreClear() throws {
        #expect { _ = try render(["valueFiles": ["$config/prod.yaml"]]) } throws: {
            "\($0)".contains("source ref 'config'")
        }
        #expect { _ = try render(["valueFiles": ["values-staging.yaml"]]) } throws: {
            "\($0)".contains("'values-staging.yaml' does not exist")
        }
        #expect { _ = try render(["valueFiles": ["https://example.com/v.yaml"]]) } throws: {
            "\($0)".contains("is remote")
        }
        let skipped = try render(["valueFiles": ["values-staging.yaml"], "ignoreMissingValueFiles": true])
        #expect(skipped.count == 2)
        var broken = Self.chart
        broken.files["charts/web/templates/bad.yaml"] = Array("kind: {{ .Values.nope.deeper }}\n".utf8)
        #expect {
            _ = try HelmRenderer(options: nil, appName: "web", namespace: nil).render(broken)
        } throws: { "\($0)".contains("bad.yaml") && "\($0)".contains("nil pointer") }
    }
}

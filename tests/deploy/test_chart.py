"""The Helm chart, rendered by Helm's own engine (helm-python-sdk wraps Helm's Go SDK) and every
manifest checked against the Kubernetes schemas (kubernetes-validate).

No cluster is needed: what a cluster would refuse, or what would make the deployment unsafe
(root, a writable root filesystem, two schedulers, a secret in plain values), fails here.
"""

from __future__ import annotations

from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "workershome"
KUBERNETES = "1.30.0"
SECRET_NAMES = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SENSITIVE_DATA_KEYS",
    "SENTRY_DSN",
    "METRICS_TOKEN",
}


def production_values() -> dict:
    return yaml.safe_load((CHART / "values-production.example.yaml").read_text())


def render(values: dict | None = None) -> list[dict]:
    chart = helm.Chart.load(str(CHART))
    files = chart.render(values or {}, name="wh", namespace="workershome", revision=3, is_install=True)
    manifests = []
    for name, text in files.items():
        if name.endswith("NOTES.txt"):
            continue
        manifests += [doc for doc in yaml.safe_load_all(text) if doc]
    return manifests


def by_kind(manifests: list[dict], kind: str) -> dict[str, dict]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def pod_specs(manifests: list[dict]) -> dict[str, dict]:
    return {
        m["metadata"]["name"]: m["spec"]["template"]["spec"]
        for m in manifests
        if m["kind"] in {"Deployment", "Job"}
    }


@pytest.fixture(scope="module", params=["default", "production"])
def manifests(request) -> list[dict]:
    return render(production_values() if request.param == "production" else None)


def test_helm_lint_finds_no_error_or_warning():
    for values in (None, production_values()):
        result = helm.lint(str(CHART), values, strict=True)
        assert result["errors"] == []
        # Severity 1 is "info" (an icon is recommended); warnings (2) and errors (4) fail.
        assert [m for m in result["messages"] if m["severity"] > 1] == []


def test_every_manifest_is_valid_kubernetes(manifests):
    assert len(manifests) >= 10
    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_web_worker_beat_and_the_migration_hook(manifests):
    deployments = by_kind(manifests, "Deployment")
    assert set(deployments) == {"wh-workershome-web", "wh-workershome-worker", "wh-workershome-beat"}
    beat = deployments["wh-workershome-beat"]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    [job] = by_kind(manifests, "Job").values()
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    assert job["spec"]["backoffLimit"] == 0  # a failed migration stops the rollout, no retry loop
    web = deployments["wh-workershome-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert deployments["wh-workershome-web"]["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_autoscaling_and_disruption_budgets(manifests):
    hpas = by_kind(manifests, "HorizontalPodAutoscaler")
    assert set(hpas) == {"wh-workershome-web", "wh-workershome-worker"}
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == set(hpas)
    pdbs = by_kind(manifests, "PodDisruptionBudget")
    assert set(pdbs) == {"wh-workershome-web", "wh-workershome-worker"}
    # With autoscaling on, the Deployment leaves the replica count to the autoscaler.
    assert "replicas" not in by_kind(manifests, "Deployment")["wh-workershome-web"]["spec"]


def test_every_pod_runs_as_non_root_on_a_read_only_root(manifests):
    for name, spec in pod_specs(manifests).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name
            assert "resources" in container and container["resources"]["limits"], name


def test_secrets_only_by_reference(manifests):
    for name, spec in pod_specs(manifests).items():
        for container in spec["containers"]:
            assert {e["name"] for e in container["env"]} & SECRET_NAMES == set(), name
            assert container["envFrom"][0]["secretRef"]["name"], name


def test_ingress_serves_the_wildcard_custom_domains_and_keeps_no_address_for_anonymous_paths():
    values = production_values()
    ingresses = by_kind(render(values), "Ingress")
    main = ingresses["wh-workershome"]
    hosts = {rule["host"] for rule in main["spec"]["rules"]}
    assert hosts == {
        "ghzj.bjzgh.example.cn",
        "*.ghzj.bjzgh.example.cn",
        "ghzj.xinghe-tech.cn",
        "zgzj.hengtong-wl.cn",
    }
    tls_hosts = {host for entry in main["spec"]["tls"] for host in entry["hosts"]}
    assert tls_hosts == hosts
    anonymous = ingresses["wh-workershome-anonymous"]
    assert anonymous["metadata"]["annotations"]["nginx.ingress.kubernetes.io/enable-access-log"] == "false"
    paths = {p["path"] for rule in anonymous["spec"]["rules"] for p in rule["http"]["paths"]}
    assert paths == {"/appeals/anonymous", "/appeals/follow", "/api/v1/appeals"}


@pytest.mark.parametrize(
    "values, where",
    [
        ({"baseDomain": "Not A Domain"}, "/baseDomain"),
        ({"env": {"SECRET_KEY": "in-plain-values"}}, "SECRET_KEY"),
        ({"web": {"concurrency": 0}}, "/web"),
        ({"podSecurityContext": {"runAsNonRoot": False}}, "/podSecurityContext"),
    ],
)
def test_the_values_schema_refuses_bad_values(values, where):
    with pytest.raises(helm.HelmValuesError) as refused:
        render(values)
    assert where in str(refused.value)

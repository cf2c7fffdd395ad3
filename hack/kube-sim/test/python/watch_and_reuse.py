"""The official Python kubernetes client against kube-sim: a watch (the client sends watch=True),
then a plain request on the same keep-alive connection after the watch ended. Prints one JSON
line with what it saw; any failure is an exception (non-zero exit)."""
import json
import sys

from kubernetes import client, config, watch

kubeconfig, namespace = sys.argv[1], sys.argv[2]
configuration = client.Configuration()
config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
# One pooled connection: the request after the watch must reuse the watch's connection.
configuration.connection_pool_maxsize = 1
api = client.CoreV1Api(client.ApiClient(configuration))

api.create_namespaced_config_map(namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-watched"), data={"k": "v"}))
events = []
for event in watch.Watch().stream(api.list_namespaced_config_map, namespace, timeout_seconds=2, _request_timeout=30):
    events.append([event["type"], event["object"].metadata.name])
pool = api.api_client.rest_client.pool_manager
after = api.list_namespaced_config_map(namespace, _request_timeout=10)
again = api.read_namespaced_config_map("py-watched", namespace, _request_timeout=10)
print(json.dumps({
    "events": events,
    "listed": [item.metadata.name for item in after.items],
    "read": again.data,
    "pools": len(pool.pools),
}))

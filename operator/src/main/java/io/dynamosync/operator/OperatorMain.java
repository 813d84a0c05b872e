package io.dynamosync.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Runs the operator in a cluster: settings from the environment, the operator's AWS identity from the default chain. */
public final class OperatorMain {

    private OperatorMain() {}

    /** Starts the operator and stops it gracefully on SIGTERM. */
    public static void main(String[] args) throws InterruptedException {
        OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
        // IRSA, EKS Pod Identity, environment variables or an instance profile: whatever the pod has.
        DynamoSyncOperator operator = new DynamoSyncOperator(
                new KubernetesClientBuilder().build(),
                settings,
                DefaultCredentialsProvider.builder().build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            operator.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        operator.start();
        stopped.await();
    }
}

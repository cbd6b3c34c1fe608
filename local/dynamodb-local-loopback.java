import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on 127.0.0.1 only, with room to queue bursts of new
 * connections. Its own entry point binds every interface and has no option to change that, so
 * anyone on the network could rewrite the store. Takes DynamoDB Local's command-line arguments.
 */
class DynamoDbLocalLoopback {
  /** Connections the kernel queues while none is accepted (it caps this at net.core.somaxconn). */
  static final int ACCEPT_QUEUE_SIZE = 1024;

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("Unexpected connector " + connector);
      ServerConnector server = (ServerConnector) connector;
      server.setHost("127.0.0.1");
      // Java's default listen backlog is 50: a burst of new connections while the JVM is busy
      // overflows it, the kernel drops the rest, and their clients retry only a second later,
      // when the store's one-second connect timeout has already failed the call.
      server.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
    }
    try {
      proxy.start();
    } catch (Exception error) {
      // One line: the stack trace would push the reason out of the caller's output tail.
      System.err.println("DynamoDB Local could not start: " + error + (error.getCause() == null ? "" : ", " + error.getCause()));
      System.exit(1);
    }
    // start() reports some failures on stderr without throwing: exit non-zero then too.
    if (!jetty.isStarted()) System.exit(1);
    proxy.join();
  }
}

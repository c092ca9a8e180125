package io.strata.broker.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EmbeddedBroker} shared by all tests of a class: started with the given broker configs
 * in a temporary directory before the first test, closed (with its admin client) and deleted after
 * the last. Before the tests run it sets the class's static fields of type {@link EmbeddedBroker}
 * and {@link Admin}, so that a test class declares only
 *
 * <pre>{@code
 *   @RegisterExtension
 *   static final SharedBroker SHARED = new SharedBroker(Map.of("num.partitions", "3"));
 *   static EmbeddedBroker broker;
 *   static Admin admin;
 * }</pre>
 *
 * <p>Not thread-safe: JUnit calls it from the thread that runs the class.
 */
public final class SharedBroker implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> overrides;
    private Path dir;
    private EmbeddedBroker broker;
    private Admin admin;

    public SharedBroker(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    public SharedBroker() {
        this(Map.of());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("strata-it-");
        broker = EmbeddedBroker.start(dir, overrides);
        admin = broker.admin();
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                continue;
            }
            if (field.getType() == EmbeddedBroker.class) {
                field.setAccessible(true);
                field.set(null, broker);
            } else if (field.getType() == Admin.class) {
                field.setAccessible(true);
                field.set(null, admin);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (admin != null) {
                admin.close();
            }
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (dir != null) {
                Utils.delete(dir.toFile());
            }
        }
    }
}

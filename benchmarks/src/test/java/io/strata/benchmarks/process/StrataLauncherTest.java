package io.strata.benchmarks.process;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrataLauncherTest {

    @TempDir
    Path home;

    @Test
    void shouldPassOverridesInOrderWhenBuildingTheCommand() {
        // given
        StrataLauncher launcher = new StrataLauncher(home);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("listeners", "PLAINTEXT://127.0.0.1:1234");
        overrides.put("log.dirs", "/data");

        // when
        List<String> command = launcher.command(overrides);

        // then
        assertEquals(List.of(home.resolve("bin/strata-server-start.sh").toAbsolutePath().toString(),
                home.resolve("config/server.properties").toAbsolutePath().toString(),
                "--override", "listeners=PLAINTEXT://127.0.0.1:1234", "--override", "log.dirs=/data"), command);
    }

    @Test
    void shouldClearScriptVariablesAndPinJavaWhenBuildingTheEnvironment() {
        // when
        Map<String, String> environment = new StrataLauncher(home).environment(null);

        // then
        assertTrue(environment.containsKey("STRATA_HEAP_OPTS"));
        assertNull(environment.get("STRATA_HEAP_OPTS"), "removed, so the script's default heap applies");
        assertNull(environment.get("STRATA_OPTS"));
        assertNull(environment.get("STRATA_LOG_CONFIG"));
        assertEquals(System.getProperty("java.home"), environment.get("JAVA_HOME"));
    }

    @Test
    void shouldSetTheLogConfigWhenOneIsGiven() {
        // when
        Map<String, String> environment = new StrataLauncher(home).environment(Path.of("/etc/logback.xml"));

        // then
        assertEquals("/etc/logback.xml", environment.get("STRATA_LOG_CONFIG"));
    }

    @Test
    void shouldRefuseWhenTheBrokerIsNotBuilt() throws Exception {
        // given
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/strata-server-start.sh"), "#!/bin/sh\n");

        // when
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StrataLauncher(home).requireBuilt());

        // then
        assertTrue(e.getMessage().contains("mvn -B -q -DskipTests package"), e.getMessage());
    }

    @Test
    void shouldRefuseWhenTheHomeIsNotACheckout() {
        // when / then
        assertThrows(IllegalStateException.class, () -> new StrataLauncher(home).requireBuilt());
    }

    @Test
    void shouldAcceptWhenScriptAndJarExist() throws Exception {
        // given
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("broker/target"));
        Files.writeString(home.resolve("bin/strata-server-start.sh"), "#!/bin/sh\n");
        Files.write(home.resolve("broker/target/strata-broker.jar"), new byte[] {1});

        // when / then
        assertDoesNotThrow(() -> new StrataLauncher(home).requireBuilt());
    }
}

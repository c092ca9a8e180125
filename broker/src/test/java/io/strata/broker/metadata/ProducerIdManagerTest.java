package io.strata.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdManagerTest {

    @TempDir
    Path dir;

    @Test
    void shouldStartAtZeroWhenNothingWasReserved() throws Exception {
        // given
        ProducerIdManager producerIds = ProducerIdManager.open(dir);

        // when
        long first = producerIds.generateProducerId();
        long second = producerIds.generateProducerId();

        // then
        assertEquals(0L, first);
        assertEquals(1L, second);
    }

    @Test
    void shouldReserveTheBlockDurablyWhenHandingOutItsFirstId() throws Exception {
        // given
        ProducerIdManager producerIds = ProducerIdManager.open(dir);

        // when
        producerIds.generateProducerId();

        // then
        String content = Files.readString(dir.resolve(ProducerIdManager.FILE_NAME));
        assertTrue(content.contains("block.start=0"), content);
        assertTrue(content.contains("block.end=999"), content);
    }

    @Test
    void shouldSkipTheRestOfTheBlockWhenRestartedAfterACrash() throws Exception {
        // given: ids handed out, then the broker dies without any shutdown
        ProducerIdManager beforeCrash = ProducerIdManager.open(dir);
        Set<Long> handedOut = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            handedOut.add(beforeCrash.generateProducerId());
        }

        // when
        ProducerIdManager afterRestart = ProducerIdManager.open(dir);
        long next = afterRestart.generateProducerId();

        // then
        assertEquals(ProducerIdManager.BLOCK_SIZE, next);
        assertTrue(handedOut.stream().allMatch(id -> id < next));
    }

    @Test
    void shouldReserveTheNextBlockWhenOneIsUsedUp() throws Exception {
        // given
        ProducerIdManager producerIds = ProducerIdManager.open(dir);
        for (int i = 0; i < ProducerIdManager.BLOCK_SIZE; i++) {
            producerIds.generateProducerId();
        }

        // when
        long next = producerIds.generateProducerId();

        // then
        assertEquals(ProducerIdManager.BLOCK_SIZE, next);
        String content = Files.readString(dir.resolve(ProducerIdManager.FILE_NAME));
        assertTrue(content.contains("block.end=" + (2 * ProducerIdManager.BLOCK_SIZE - 1)), content);
        assertEquals(2L * ProducerIdManager.BLOCK_SIZE, ProducerIdManager.open(dir).generateProducerId());
    }

    @Test
    void shouldNeverGiveAnIdTwiceWhenCalledConcurrently() throws Exception {
        // given
        ProducerIdManager producerIds = ProducerIdManager.open(dir);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        Callable<List<Long>> task = () -> {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                ids.add(producerIds.generateProducerId());
            }
            return ids;
        };

        // when
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(threads.submit(task));
        }
        Set<Long> ids = new HashSet<>();
        for (Future<List<Long>> result : results) {
            ids.addAll(result.get());
        }
        threads.shutdown();

        // then
        assertEquals(2800, ids.size());
    }

    @Test
    void shouldFailWithoutHandingOutAnIdWhenTheBlockCannotBeReserved() throws Exception {
        // given: the temporary file's path is taken by a directory, so the reservation cannot be written
        ProducerIdManager producerIds = ProducerIdManager.open(dir);
        Files.createDirectories(dir.resolve(ProducerIdManager.FILE_NAME + ".tmp"));

        // when
        assertThrows(KafkaStorageException.class, producerIds::generateProducerId);

        // then
        Files.delete(dir.resolve(ProducerIdManager.FILE_NAME + ".tmp"));
        assertEquals(0L, producerIds.generateProducerId());
    }

    @Test
    void shouldRefuseToOpenWhenTheBlockFileIsCorrupt() throws Exception {
        // given
        Files.writeString(dir.resolve(ProducerIdManager.FILE_NAME), "version=1\nblock.start=10\nblock.end=x\n");

        // when
        IOException e = assertThrows(IOException.class, () -> ProducerIdManager.open(dir));

        // then
        assertTrue(e.getMessage().contains("Corrupt"), e.getMessage());
    }
}

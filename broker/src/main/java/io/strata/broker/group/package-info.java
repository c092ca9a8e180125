/**
 * The group coordinator: Kafka's classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and committed offsets, stored durably in the internal {@code __consumer_offsets} topic in
 * Apache Kafka's record formats. {@link io.strata.broker.group.GroupCoordinator} is the entry point;
 * all group and offset state is owned by its single {@code group-coordinator} thread. See
 * {@code docs/design/002-consumer-groups.md}.
 */
package io.strata.broker.group;

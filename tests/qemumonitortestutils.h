/*
 * qemumonitortestutils.h: a fake QEMU at the other end of a QMP socket
 *
 * It serves a .replies file (JSON objects separated by blank lines: the
 * greeting, then each command followed by the reply QEMU gave), checking
 * that the client sends the recorded commands in the recorded order; or it
 * sends raw text to test how the client copes with misbehaving peers.
 */
#pragma once

#include "internal.h"
#include "qemu/qemu_monitor.h"

typedef struct _qemuMonitorTest qemuMonitorTest;

/* Replay @path; the client end of the socket is returned in @clientfd. */
qemuMonitorTest *qemuMonitorTestNewReplay(const char *path, int *clientfd);
/* Separates the parts of a raw script: each part after the first is sent
 * once the client has sent one more line (a command). */
#define QEMU_MONITOR_TEST_NEXT "\x01"

/* Send @raw (see QEMU_MONITOR_TEST_NEXT), then keep the connection open
 * until freed, or close it if @closeAfter; read and ignore whatever else
 * the client sends. */
qemuMonitorTest *qemuMonitorTestNewRaw(const char *raw, bool closeAfter, int *clientfd);
/* Raw: line @n (from 0) the client sent, or NULL if it sent fewer. */
char *qemuMonitorTestReceived(qemuMonitorTest *test, guint n);
/* Error text if the client deviated from the recording, else NULL. */
const char *qemuMonitorTestError(qemuMonitorTest *test);
void qemuMonitorTestFree(qemuMonitorTest *test);

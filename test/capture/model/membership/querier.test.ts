import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareAddresses, LinkMembership } from '../../../../capture/model/membership/index.js';
import { brief, kinds, LINK, query, sourceFilterReport } from './observations.js';

describe('compareAddresses', () => {
  it('compares IPv4 numerically, not as text', () => {
    assert.ok(compareAddresses('10.0.0.9', '10.0.0.10') < 0);
    assert.ok(compareAddresses('9.255.255.255', '10.0.0.0') < 0);
    assert.equal(compareAddresses('10.0.0.1', '10.0.0.1'), 0);
  });

  it('compares IPv6 numerically across text forms', () => {
    assert.ok(compareAddresses('fe80::9', 'fe80::a') < 0);
    assert.ok(compareAddresses('fe80::1:0', 'fe80::ffff') > 0);
    assert.equal(compareAddresses('fe80::1', 'fe80:0:0:0:0:0:0:1'), 0);
  });

  it('puts text that is no address last', () => {
    assert.ok(compareAddresses('bogus', '10.0.0.1') > 0);
    assert.ok(compareAddresses('10.0.0.1', 'bogus') < 0);
  });
});

describe('querier election (RFC 3376 §6.6.2, RFC 3810 §7.6.2)', () => {
  it('the first query names the querier; a lower address takes over; a higher one does not', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(brief(model.onQuery(query(0, '10.0.0.10'))), [
      { time: 0, kind: 'querier-changed', detail: { from: null, to: '10.0.0.10', reason: 'first-query' } },
    ]);
    assert.deepEqual(model.onQuery(query(1, '10.0.0.11')), []);
    assert.deepEqual(brief(model.onQuery(query(2, '10.0.0.9'))), [
      { time: 2, kind: 'querier-changed', detail: { from: '10.0.0.10', to: '10.0.0.9', reason: 'lower-address' } },
    ]);
    assert.deepEqual(model.snapshot(2).querier, {
      address: '10.0.0.9', version: 3, since: 2, lastQueryAt: 2, otherQuerierExpiresAt: 257,
    });
  });

  it('a non-querier takes over after the Other Querier Present Interval without queries from the querier', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1'));
    model.onQuery(query(100, '10.0.0.1'));
    model.onQuery(query(200, '10.0.0.2'));                     // outranked: the querier stays
    assert.equal(model.snapshot(200).querier!.address, '10.0.0.1');
    assert.deepEqual(model.advance(354), []);
    assert.deepEqual(brief(model.onQuery(query(360, '10.0.0.2'))), [
      { time: 355, kind: 'querier-changed', detail: { from: '10.0.0.1', to: null, reason: 'other-querier-present-expired' } },
      { time: 360, kind: 'querier-changed', detail: { from: null, to: '10.0.0.2', reason: 'first-query' } },
    ]);
    assert.deepEqual(model.snapshot(360).querier, {
      address: '10.0.0.2', version: 3, since: 360, lastQueryAt: 360, otherQuerierExpiresAt: 615,
    });
  });

  it('a proxy query from 0.0.0.0 (a snooping switch, RFC 4541 §2.1.1) never becomes the querier', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.5'));
    assert.deepEqual(model.onQuery(query(1, '0.0.0.0')), []);
    assert.equal(model.snapshot(1).querier!.address, '10.0.0.5');
    const silent = new LinkMembership(LINK, 4);
    silent.onQuery(query(0, '0.0.0.0'));
    assert.equal(silent.snapshot(0).querier, null);
  });

  it('MLD elects the lowest link-local address', () => {
    const model = new LinkMembership(LINK, 6);
    model.onQuery(query(0, 'fe80::20', {}, 6));
    model.onQuery(query(1, 'fe80::1:0', {}, 6));
    assert.deepEqual(kinds(model.onQuery(query(2, 'fe80::3', {}, 6))), ['querier-changed']);
    assert.equal(model.snapshot(2).querier!.address, 'fe80::3');
  });
});

describe('the querier\'s parameters (RFC 3376 §4.1.6, §4.1.7, §8)', () => {
  it('RFC defaults until a query shows other values', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(model.snapshot(0).parameters, {
      robustness: 2, queryInterval: 125, queryResponseInterval: 10, lastMemberQueryInterval: 1,
      lastMemberQueryCount: 2, lastMemberQueryTime: 2, groupMembershipInterval: 260,
      otherQuerierPresentInterval: 255, olderVersionHostPresentInterval: 260,
      fromWire: { robustness: false, queryInterval: false, queryResponseInterval: false, lastMemberQueryInterval: false },
    });
  });

  it('QRV, QQI, the general query\'s Max Resp and the group query\'s Max Resp are adopted', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { qrv: 3, qqiSeconds: 60, maxRespSeconds: 5 }));
    model.onQuery(query(1, '10.0.0.1', { group: '239.1.1.1', qrv: 3, qqiSeconds: 60, maxRespSeconds: 0.5 }));
    const parameters = model.snapshot(1).parameters;
    assert.deepEqual(parameters, {
      robustness: 3, queryInterval: 60, queryResponseInterval: 5, lastMemberQueryInterval: 0.5,
      lastMemberQueryCount: 3, lastMemberQueryTime: 1.5, groupMembershipInterval: 185,
      otherQuerierPresentInterval: 182.5, olderVersionHostPresentInterval: 185,
      fromWire: { robustness: true, queryInterval: true, queryResponseInterval: true, lastMemberQueryInterval: true },
    });
    // The Other Querier Present timer follows the adopted values; timers set later use the new GMI.
    assert.equal(model.snapshot(1).querier!.otherQuerierExpiresAt, 183.5);
    model.onReport(sourceFilterReport(10, '10.0.0.20', [['IS_EX', '239.1.1.1', []]]));
    assert.equal(model.snapshot(10).groups[0]!.expiresAt, 195);
  });

  it('a QRV or QQI of 0 means the configured value', () => {
    const model = new LinkMembership(LINK, 4, { robustness: 4, queryInterval: 30 });
    model.onQuery(query(0, '10.0.0.1', { qrv: 3, qqiSeconds: 60 }));
    model.onQuery(query(60, '10.0.0.1', { qrv: 0, qqiSeconds: 0 }));
    const parameters = model.snapshot(60).parameters;
    assert.deepEqual([parameters.robustness, parameters.queryInterval, parameters.fromWire.robustness], [4, 30, false]);
  });

  it('an IGMPv2 query only shows its Max Resp time', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { version: 2, maxRespSeconds: 8, qrv: null, qqiSeconds: null }));
    const parameters = model.snapshot(0).parameters;
    assert.deepEqual([parameters.robustness, parameters.queryInterval, parameters.queryResponseInterval], [2, 125, 8]);
  });

  it('queries from an outranked router change nothing', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1'));
    model.onQuery(query(1, '10.0.0.2', { qrv: 5, qqiSeconds: 10 }));
    const snapshot = model.snapshot(1);
    assert.deepEqual([snapshot.parameters.robustness, snapshot.parameters.queryInterval, snapshot.querier!.lastQueryAt], [2, 125, 0]);
  });

  it('a configured base applies to every derived interval', () => {
    const model = new LinkMembership(LINK, 4, { robustness: 3, queryInterval: 20, queryResponseInterval: 4, lastMemberQueryInterval: 0.2 });
    const parameters = model.snapshot(0).parameters;
    assert.deepEqual([parameters.groupMembershipInterval, parameters.otherQuerierPresentInterval], [64, 62]);
    assert.ok(Math.abs(parameters.lastMemberQueryTime - 0.6) < 1e-9);
  });
});

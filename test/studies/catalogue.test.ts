import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loadStudies, loadStudy, studyCatalogue } from '../../src/studies/catalogue.js';

test('each study the catalogue loads carries the name and title listed for it', async () => {
  const studies = await loadStudies();
  assert.equal(studies.length, studyCatalogue.length);
  studies.forEach((study, i) => {
    assert.equal(study.name, studyCatalogue[i]!.name);
    assert.equal(study.title, studyCatalogue[i]!.title, `title of ${study.name}`);
  });
  assert.equal(new Set(studies.map((study) => study.name)).size, studies.length, 'names are unique');
});

test('an unknown study name is an error that lists the studies', async () => {
  await assert.rejects(loadStudy('frobnicate'), /unknown study 'frobnicate': choose one of latent-sweep, .*compare-reductions/);
});

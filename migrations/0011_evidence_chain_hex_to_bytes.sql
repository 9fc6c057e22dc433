-- Links chained before 0010 hold their hash and digest as 64 hex digits: store them as their 32 bytes.
-- Their digests are kept, so a record edited before the upgrade is still named as edited.
UPDATE `evidence_chain` SET `hash` = unhex(`hash`), `digest` = unhex(`digest`) WHERE typeof(`hash`) = 'text';

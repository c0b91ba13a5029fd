# SPDX-License-Identifier: GPL-2.0-or-later
#
# User-creatable objects over QMP: object-add / object-del of the iommufd
# backend object (QEMU's type; with no fd it opens nothing until a device
# uses it) and of the test-only x-test-object, whose properties cover each
# property kind (bool, int32, size, string, enum, OnOffAuto, link, fd).
# Values go in through object-add and qom-set and come back through
# qom-get; wrong types are refused with QEMU's messages.
#
# x-test-object exists only in builds with tests enabled.  To run this file
# against another QEMU (e.g. the reference build), set
# QEMU_TEST_NO_TEST_TYPES=1 to skip the tests that need it.

import os
import unittest

from qemu_test import VM

NO_TEST_TYPES = os.environ.get('QEMU_TEST_NO_TEST_TYPES') == '1'


class ObjectTestCase(unittest.TestCase):
    """One VM for the class.  After each test, whatever the test added
    under /objects is deleted, so a failed test cannot spoil the next."""

    @classmethod
    def setUpClass(cls):
        cls.vm = VM(name=cls.__name__)
        cls.vm.launch()
        reply = cls.vm.qmp('qom-list', path='/objects')
        cls.initial_objects = {p['name'] for p in reply.get('return', [])}

    @classmethod
    def tearDownClass(cls):
        cls.vm.shutdown()

    def tearDown(self):
        reply = self.vm.qmp('qom-list', path='/objects')
        for prop in reply.get('return', []):
            name = prop['name']
            if (name in self.initial_objects
                    or not prop['type'].startswith('child<')):
                continue
            # Lift an x-test-object's deletion veto first.
            self.vm.qmp('qom-set', path='/objects/' + name,
                        property='can-delete', value=True)
            self.vm.qmp('object-del', id=name)

    def assertError(self, reply, desc, error_class='GenericError'):
        self.assertIn('error', reply, reply)
        self.assertEqual(reply['error']['class'], error_class, reply)
        self.assertEqual(reply['error']['desc'], desc, reply)

    def objects(self):
        return {p['name']: p['type']
                for p in self.vm.cmd('qom-list', path='/objects')}

    def get(self, path, prop):
        return self.vm.cmd('qom-get', path=path, property=prop)


class IommufdObjectTest(ObjectTestCase):

    def test_add_list_get_del(self):
        self.assertEqual(self.vm.cmd('object-add', qom_type='iommufd',
                                     id='iommufd0'), {})
        self.assertEqual(self.objects().get('iommufd0'), 'child<iommufd>')
        self.assertEqual(self.get('/objects/iommufd0', 'type'), 'iommufd')
        props = {p['name']: p['type']
                 for p in self.vm.cmd('qom-list', path='/objects/iommufd0')}
        self.assertEqual(props.get('type'), 'string')
        self.assertEqual(props.get('fd'), 'string')
        self.assertEqual(self.vm.cmd('object-del', id='iommufd0'), {})
        self.assertNotIn('iommufd0', self.objects())
        self.assertError(self.vm.qmp('qom-get', path='/objects/iommufd0',
                                     property='type'),
                         "Device '/objects/iommufd0' not found",
                         'DeviceNotFound')

    def test_duplicate_id(self):
        self.vm.cmd('object-add', qom_type='iommufd', id='iommufd0')
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='iommufd0'),
                         "attempt to add duplicate property 'iommufd0' "
                         "to object (type 'container')")

    def test_unknown_type(self):
        # QEMU 10 checks qom-type against its schema's enum.
        self.assertError(self.vm.qmp('object-add', qom_type='nope', id='x'),
                         "Parameter 'qom-type' does not accept value 'nope'")
        self.assertNotIn('x', self.objects())

    def test_missing_id(self):
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd'),
                         "Parameter 'id' is missing")

    def test_unknown_property(self):
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='i1', bogus=5),
                         "Parameter 'bogus' is unexpected")
        self.assertNotIn('i1', self.objects())

    def test_fd_wrong_type(self):
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='i1', fd=5),
                         "Invalid parameter type for 'fd', expected: string")
        self.assertNotIn('i1', self.objects())

    def test_del_unknown(self):
        self.assertError(self.vm.qmp('object-del', id='x'),
                         "object 'x' not found")

    def test_readd_after_del(self):
        for _ in range(3):
            self.vm.cmd('object-add', qom_type='iommufd', id='again')
            self.vm.cmd('object-del', id='again')
        self.assertNotIn('again', self.objects())


@unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
class TestObjectTest(ObjectTestCase):

    VALUES = {
        'bool-prop': True,
        'int-prop': -5,
        'size-prop': 1048576,
        'str-prop': 'hello',
        'enum-prop': 'beta',
        'ooa-prop': 'off',
    }

    def add(self, obj_id, props=None, **kwargs):
        """object-add an x-test-object; property names as in QOM in
        ``props``, or as keyword arguments with '_' for '-'."""
        args = {'qom-type': 'x-test-object', 'id': obj_id}
        args.update(props or {})
        args.update({k.replace('_', '-'): v for k, v in kwargs.items()})
        return self.vm.qmp('object-add', args=args)

    def test_typed_values_via_object_add(self):
        self.assertEqual(self.add('t0', self.VALUES), {'return': {}})
        self.assertEqual(self.objects().get('t0'), 'child<x-test-object>')
        for prop, value in self.VALUES.items():
            with self.subTest(prop=prop):
                self.assertEqual(self.get('/objects/t0', prop), value)
        self.assertIs(self.get('/objects/t0', 'can-delete'), True)
        self.assertEqual(self.get('/objects/t0', 'fd-num'), -1)

    def test_property_types(self):
        self.assertEqual(self.add('t0'), {'return': {}})
        props = {p['name']: p['type']
                 for p in self.vm.cmd('qom-list', path='/objects/t0')}
        expected = {
            'type': 'string',
            'bool-prop': 'bool',
            'int-prop': 'int32',
            'size-prop': 'size',
            'str-prop': 'str',
            'ooa-prop': 'OnOffAuto',
            'can-delete': 'bool',
            'fd': 'string',
            'fd-num': 'int',
        }
        for name, kind in expected.items():
            with self.subTest(prop=name):
                self.assertEqual(props.get(name), kind)
        self.assertIn('enum-prop', props)
        self.assertTrue(props.get('link-prop', '').startswith('link<'),
                        props.get('link-prop'))

    def test_qom_set_get(self):
        self.assertEqual(self.add('t0'), {'return': {}})
        new = {
            'bool-prop': False,
            'int-prop': 2147483647,
            'size-prop': 2 ** 40,
            'str-prop': 'world',
            'enum-prop': 'gamma',
            'ooa-prop': 'auto',
        }
        for prop, value in new.items():
            with self.subTest(prop=prop):
                self.assertEqual(self.vm.cmd('qom-set', path='/objects/t0',
                                             property=prop, value=value), {})
                self.assertEqual(self.get('/objects/t0', prop), value)
        self.vm.cmd('qom-set', path='/objects/t0', property='int-prop',
                    value=-2147483648)
        self.assertEqual(self.get('/objects/t0', 'int-prop'), -2147483648)

    def test_qom_set_wrong_types(self):
        self.assertEqual(self.add('t0', int_prop=3), {'return': {}})
        cases = [
            ('bool-prop', 'yes',
             "Invalid parameter type for 'bool-prop', expected: boolean"),
            ('bool-prop', 1,
             "Invalid parameter type for 'bool-prop', expected: boolean"),
            ('int-prop', 'x',
             "Invalid parameter type for 'int-prop', expected: integer"),
            ('int-prop', 1.5,
             "Invalid parameter type for 'int-prop', expected: integer"),
            ('int-prop', 2 ** 31, "Parameter 'int-prop' expects int32_t"),
            ('int-prop', -2 ** 31 - 1,
             "Parameter 'int-prop' expects int32_t"),
            ('size-prop', '1M', "Parameter 'size-prop' expects uint64"),
            ('str-prop', 5,
             "Invalid parameter type for 'str-prop', expected: string"),
            ('enum-prop', 'delta',
             "Parameter 'enum-prop' does not accept value 'delta'"),
            ('enum-prop', 1,
             "Invalid parameter type for 'enum-prop', expected: string"),
            ('ooa-prop', 'maybe',
             "Parameter 'ooa-prop' does not accept value 'maybe'"),
            ('can-delete', 'no',
             "Invalid parameter type for 'can-delete', expected: boolean"),
        ]
        for prop, value, desc in cases:
            with self.subTest(prop=prop, value=value):
                self.assertError(self.vm.qmp('qom-set', path='/objects/t0',
                                             property=prop, value=value),
                                 desc)
        # Nothing changed.
        self.assertEqual(self.get('/objects/t0', 'int-prop'), 3)

    def test_object_add_wrong_types(self):
        cases = [
            ({'bool-prop': 'on'},
             "Invalid parameter type for 'bool-prop', expected: boolean"),
            ({'int-prop': 'x'},
             "Invalid parameter type for 'int-prop', expected: integer"),
            ({'int-prop': 2 ** 31}, "Parameter 'int-prop' expects int32_t"),
            ({'size-prop': '1M'}, "Parameter 'size-prop' expects uint64"),
            ({'enum-prop': 'delta'},
             "Parameter 'enum-prop' does not accept value 'delta'"),
            ({'ooa-prop': 'maybe'},
             "Parameter 'ooa-prop' does not accept value 'maybe'"),
        ]
        for props, desc in cases:
            with self.subTest(props=props):
                args = {'qom-type': 'x-test-object', 'id': 'bad'}
                args.update(props)
                self.assertError(self.vm.qmp('object-add', args=args), desc)
                self.assertNotIn('bad', self.objects())

    def test_unknown_property(self):
        self.assertEqual(self.add('t0'), {'return': {}})
        self.assertError(self.vm.qmp('qom-get', path='/objects/t0',
                                     property='nope'),
                         "Property 'x-test-object.nope' not found")
        self.assertError(self.vm.qmp('qom-set', path='/objects/t0',
                                     property='nope', value=1),
                         "Property 'x-test-object.nope' not found")

    def test_link(self):
        self.assertEqual(self.add('ta'), {'return': {}})
        self.assertEqual(self.add('tb', link_prop='/objects/ta'),
                         {'return': {}})
        self.assertEqual(self.get('/objects/tb', 'link-prop'), '/objects/ta')
        self.assertEqual(self.vm.cmd('qom-set', path='/objects/tb',
                                     property='link-prop', value='/objects/tb'),
                         {})
        self.assertEqual(self.get('/objects/tb', 'link-prop'), '/objects/tb')
        self.assertError(self.vm.qmp('qom-set', path='/objects/tb',
                                     property='link-prop',
                                     value='/objects/nope'),
                         "Device '/objects/nope' not found", 'DeviceNotFound')
        self.assertError(self.vm.qmp('qom-set', path='/objects/tb',
                                     property='link-prop', value=5),
                         "Invalid parameter type for 'link-prop', "
                         "expected: string")
        self.assertEqual(self.get('/objects/tb', 'link-prop'), '/objects/tb')

    def test_can_delete(self):
        self.assertEqual(self.add('t0', can_delete=False), {'return': {}})
        # QEMU's words (as for a memory backend the machine uses).
        self.assertError(self.vm.qmp('object-del', id='t0'),
                         "object 't0' is in use, can not be deleted")
        self.assertIn('t0', self.objects())
        self.vm.cmd('qom-set', path='/objects/t0', property='can-delete',
                    value=True)
        self.assertEqual(self.vm.cmd('object-del', id='t0'), {})
        self.assertNotIn('t0', self.objects())

    def test_duplicate_id(self):
        self.assertEqual(self.add('t0'), {'return': {}})
        self.assertError(self.add('t0'),
                         "attempt to add duplicate property 't0' to object "
                         "(type 'container')")


if __name__ == '__main__':
    unittest.main(verbosity=2)
